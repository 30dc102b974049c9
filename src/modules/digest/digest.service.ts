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
import { AppConfig } from '../../config/app-config';
import { ConnectionsRepository } from '../connections/connections.repository';
import { MailProducer } from '../mail/mail.producer';
import { UsersRepository } from '../users/users.repository';
import { yesterdayIn } from './time-zone';

const LOCK_TTL_MS = 6 * 60 * 60 * 1000;

/**
 * Daily digest (contract §6.5): at DIGEST_CRON in DIGEST_TIME_ZONE, one email per user who
 * received pending requests during the previous calendar day in that zone. A Redis lock per day
 * makes it run once per deployment however many processes schedule it; job ids per (user, day)
 * make a repeated run harmless too.
 */
@Injectable()
export class DigestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DigestService.name);

  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly users: UsersRepository,
    private readonly mail: MailProducer,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    const { cron, timeZone } = this.config.digest;
    startCronJob(this.scheduler, 'daily-digest', cron, () => void this.run(), timeZone);
  }

  onModuleDestroy(): void {
    stopCronJob(this.scheduler, 'daily-digest');
  }

  /** Returns how many digests this process enqueued (0 when another process holds the day's lock). */
  async run(now = new Date()): Promise<number> {
    const { day, start, end } = yesterdayIn(now, this.config.digest.timeZone);
    if (!(await claimRun(this.redis, `digest:lock:${day}`, LOCK_TTL_MS))) {
      this.logger.log({ msg: 'Digest already handled by another process', day });
      return 0;
    }
    const counts = await this.connections.pendingCountsByReceiver(start, end);
    // Deleted or unverified receivers are skipped, never fatal for the run.
    const targets = await this.users.findMailTargets(counts.map((c) => c._id));
    const countById = new Map(counts.map((c) => [c._id.toHexString(), c.count]));
    let queued = 0;
    for (const user of targets) {
      const userId = user._id.toHexString();
      const sent = await this.mail.sendDigest(
        { userId, to: user.emailId, firstName: user.firstName, count: countById.get(userId) ?? 0 },
        day,
      );
      if (sent) queued++;
    }
    this.logger.log({ msg: 'Digest run finished', day, receivers: counts.length, queued });
    return queued;
  }
}
