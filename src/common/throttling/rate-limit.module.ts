import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RateLimitGuard, RouteThrottler } from './rate-limit.guard';
import { THROTTLERS } from './rate-limits';

/** Global, opt-in rate limiting with counters in Redis (shared by every API instance). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis) => ({
        throttlers: THROTTLERS,
        // Counters under the client's key prefix, shared by every instance; a limit exceeded
        // blocks for the throttler's blockDuration (its window unless set).
        storage: new ThrottlerStorageRedisService(redis),
        setHeaders: false,
      }),
    }),
  ],
  providers: [RouteThrottler, { provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
