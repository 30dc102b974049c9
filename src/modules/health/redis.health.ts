import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { withTimeout } from '../../common/async/with-timeout';

const PING_TIMEOUT_MS = 1000;

@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy(key: 'redis') {
    const indicator = this.indicators.check(key);
    try {
      const reply = await withTimeout(this.redis.ping(), PING_TIMEOUT_MS, 'ping timed out');
      return reply === 'PONG'
        ? indicator.up()
        : indicator.down({ message: 'unexpected PING reply' });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
