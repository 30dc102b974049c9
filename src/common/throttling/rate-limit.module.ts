import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RateLimitGuard } from './rate-limit.guard';
import { THROTTLERS } from './rate-limits';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** Global, opt-in rate limiting with counters in Redis (shared by every API instance). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis) => ({
        throttlers: THROTTLERS,
        storage: new RedisThrottlerStorage(redis),
        setHeaders: false,
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
