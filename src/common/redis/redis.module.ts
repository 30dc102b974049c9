import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { redisOptionsFromUrl } from './redis-options';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * One shared Redis connection for commands (rate limits, presence, locks, health). Keys are
 * namespaced with the configured prefix so parallel test runs and deployments never collide.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new Redis({
          ...redisOptionsFromUrl(config.redis.url),
          keyPrefix: `${config.redis.keyPrefix}:`,
          maxRetriesPerRequest: 2,
          connectTimeout: 5000,
        }),
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisModule.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.redis.quit();
    } catch (error) {
      this.logger.warn({ msg: 'Redis quit failed; disconnecting', err: error });
      this.redis.disconnect();
    }
  }
}
