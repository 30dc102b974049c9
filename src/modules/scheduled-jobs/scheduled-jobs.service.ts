import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { withTimeout } from '../../common/async/with-timeout';
import { AppConfig } from '../../config/app-config';
import { SCHEDULED_JOB_OPTIONS, SCHEDULED_QUEUE } from './scheduled-jobs.constants';
import { scheduleDefinitions, staleSchedulers } from './scheduled-jobs.rules';

const BOOT_TIMEOUT_MS = 10_000;

/**
 * Writes this deployment's job schedulers to Redis when a worker starts. A scheduler with a given
 * id exists once in Redis however many workers upsert it, and adds one job per slot, which one
 * worker takes: every scheduled job runs once per deployment by construction.
 */
@Injectable()
export class ScheduledJobsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScheduledJobsService.name);

  constructor(
    @InjectQueue(SCHEDULED_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Without Redis a worker cannot work at all: fail the boot with a clear message.
    await withTimeout(this.sync(), BOOT_TIMEOUT_MS, 'the scheduled queue did not answer in 10 s');
    // A Redis that restarts empty (no persistence, a failover) has lost the schedulers: on every
    // reconnection, write them again (an upsert of an existing scheduler changes nothing).
    const client = await this.queue.client;
    client.on('ready', () => {
      this.sync().catch((error: unknown) =>
        this.logger.error({ msg: 'Job schedulers could not be written', err: error }),
      );
    });
  }

  private async sync(): Promise<void> {
    const definitions = scheduleDefinitions(this.config.digest);
    for (const { name, pattern, tz } of definitions) {
      await this.queue.upsertJobScheduler(
        name,
        { pattern, tz },
        { name, opts: SCHEDULED_JOB_OPTIONS },
      );
    }
    const existing = (await this.queue.getJobSchedulers()).map((s) => s.key);
    for (const id of staleSchedulers(existing, definitions)) {
      await this.queue.removeJobScheduler(id);
      this.logger.log({ msg: 'Job scheduler removed', scheduler: id });
    }
    this.logger.log({ msg: 'Job schedulers up to date', schedulers: definitions.length });
  }
}
