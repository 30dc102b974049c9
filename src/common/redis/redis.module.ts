import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { READS_BYPASS_AUTO_PIPELINE } from './read-batcher';
import { redisOptionsFromUrl } from './redis-options';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** How long boot waits for the first connection before going on (a Redis outage never blocks boot). */
const FIRST_CONNECT_WAIT_MS = 3000;

/** Reconnect forever: 100 ms, 200 ms, … then every 2 s until Redis answers again. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 100, 2000);
}

/** Resolves when the client is ready, fails to connect once, or after `ms`: never rejects. */
function firstConnection(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    redis.once('ready', done);
    redis.once('error', done);
  });
}

/**
 * One shared Redis connection for commands (rate limits, presence, locks, caches, health). Keys
 * are namespaced with the configured prefix so parallel test runs and deployments never collide.
 *
 * While Redis is unreachable, commands fail at once (no offline queue) instead of waiting for it,
 * so a request that needs Redis answers 503 within milliseconds (the global filter maps these
 * errors) and caches fall back to the database; the client keeps reconnecting forever and
 * everything resumes when Redis is back, without a restart.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const logger = new Logger('Redis');
        const redis = new Redis({
          ...redisOptionsFromUrl(config.redis.url),
          keyPrefix: `${config.redis.keyPrefix}:`,
          enableOfflineQueue: false,
          // The commands a request issues together (auth, caches, counters) leave in one write.
          enableAutoPipelining: true,
          autoPipeliningIgnoredCommands: READS_BYPASS_AUTO_PIPELINE,
          maxRetriesPerRequest: 1,
          connectTimeout: 5000,
          retryStrategy: reconnectDelayMs,
        });
        // One line per outage and one per recovery, not one per reconnect attempt.
        let down = false;
        redis.on('error', (error: Error) => {
          if (down) return;
          down = true;
          logger.warn({ msg: 'Redis unavailable; reconnecting', err: { message: error.message } });
        });
        redis.on('ready', () => {
          if (!down) return;
          down = false;
          logger.log({ msg: 'Redis connection restored' });
        });
        // Without an offline queue, commands sent before the first connection would fail.
        await firstConnection(redis, FIRST_CONNECT_WAIT_MS);
        return redis;
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisModule.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      if (this.redis.status !== 'ready') {
        this.redis.disconnect();
        return;
      }
      await this.redis.quit();
    } catch (error) {
      this.logger.warn({ msg: 'Redis quit failed; disconnecting', err: error });
      this.redis.disconnect();
    }
  }
}
