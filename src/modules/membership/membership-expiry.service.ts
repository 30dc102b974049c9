import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { claimRun, startCronJob, stopCronJob } from '../../common/scheduling/worker-jobs';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { UsersRepository } from '../users/users.repository';

const JOB_NAME = 'membership-downgrade';
/** Hourly, at minute 0; one run per hour per deployment (Redis lock). */
export const DOWNGRADE_CRON = '0 * * * *';
const HOUR_MS = 60 * 60 * 1000;
const LOCK_TTL_MS = 50 * 60 * 1000;
const BATCH = 500;

export interface DowngradeResult {
  /** False when another process holds this hour's lock. */
  ran: boolean;
  downgraded: number;
}

/**
 * Writes FREE for memberships whose expiry has passed (issue 10). Reads already show FREE for an
 * expired plan (lazy on read); this makes the stored documents agree. Runs hourly in the worker,
 * once per deployment (a Redis lock per hour, like the digest); the write is conditional on the
 * expiry still being past, so a renewal that lands meanwhile is never undone.
 */
@Injectable()
export class MembershipExpiryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MembershipExpiryService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly scheduler: SchedulerRegistry,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    startCronJob(this.scheduler, JOB_NAME, DOWNGRADE_CRON, () => void this.run());
  }

  onModuleDestroy(): void {
    stopCronJob(this.scheduler, JOB_NAME);
  }

  async run(now = new Date()): Promise<DowngradeResult> {
    const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    if (!(await claimRun(this.redis, `membership:downgrade:lock:${hour}`, LOCK_TTL_MS))) {
      this.logger.log({ msg: 'Membership downgrade already handled by another process', hour });
      return { ran: false, downgraded: 0 };
    }
    let downgraded = 0;
    for (;;) {
      const count = await this.users.downgradeExpired(now, BATCH);
      downgraded += count;
      if (count < BATCH) break;
    }
    this.logger.log({ msg: 'Membership downgrade run finished', downgraded });
    return { ran: true, downgraded };
  }
}
