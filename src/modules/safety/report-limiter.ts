import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { REPORT_WINDOW_MS, reportQuota, type ReportQuota } from './report.rules';

/**
 * Reports per reporter per fixed window (REPORTS_PER_WINDOW per REPORT_WINDOW_MS), counted in
 * Redis so every instance shares the count. Fails open: a Redis error never stops a report.
 */
@Injectable()
export class ReportLimiter {
  private readonly logger = new Logger(ReportLimiter.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Counts one report of `reporterId` and says whether it may go ahead. */
  async take(reporterId: string): Promise<ReportQuota> {
    const key = `report:limit:${reporterId}`;
    try {
      const results = await this.redis
        .multi()
        .set(key, '0', 'PX', REPORT_WINDOW_MS, 'NX')
        .incr(key)
        .pttl(key)
        .exec();
      return reportQuota(Number(results?.[1]?.[1] ?? 0), Number(results?.[2]?.[1] ?? 0));
    } catch (error) {
      this.logger.warn({ msg: 'Report limit unavailable; allowing', reporterId, err: error });
      return { outcome: 'allowed' };
    }
  }
}
