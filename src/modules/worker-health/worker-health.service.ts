import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { withTimeout } from '../../common/async/with-timeout';
import { EMAIL_QUEUE } from '../mail/mail.constants';
import { MetricsService } from '../metrics/metrics.service';
import { SCHEDULED_QUEUE } from '../scheduled-jobs/scheduled-jobs.constants';

const CHECK_TIMEOUT_MS = 1000;

export interface ScheduleState {
  pattern: string | null;
  tz: string | null;
  /** When the scheduler adds its next job (null: unknown). */
  nextRun: string | null;
}

/** `GET /health` of the worker (not enveloped, like the API's probes). */
export interface WorkerHealthReport {
  /** `ok` while the queue's Redis answers; `error` (503) otherwise. */
  status: 'ok' | 'error';
  uptime: number;
  queue: {
    name: string;
    connected: boolean;
    /** Jobs by state (when connected): waiting, active, delayed, failed. */
    counts?: Record<string, number>;
    error?: string;
  };
  /** When this process last completed an email job (null: none since it started). */
  lastJobCompletedAt: string | null;
  /** The deployment's job schedulers by id, as stored in Redis (empty when Redis is away). */
  schedules: Record<string, ScheduleState>;
}

/**
 * What a container orchestrator needs to decide whether the worker is alive: its queue
 * connection (the job counts, read through the queue's own Redis connection), the last job it
 * completed, and the job schedulers with their next runs.
 */
@Injectable()
export class WorkerHealthService {
  constructor(
    @InjectQueue(EMAIL_QUEUE) private readonly queue: Queue,
    @InjectQueue(SCHEDULED_QUEUE) private readonly scheduled: Queue,
    private readonly metrics: MetricsService,
  ) {}

  async report(): Promise<WorkerHealthReport> {
    const queue = await this.queueState();
    const lastJob = this.metrics.lastJobCompletedAt(EMAIL_QUEUE);
    return {
      status: queue.connected ? 'ok' : 'error',
      uptime: process.uptime(),
      queue,
      lastJobCompletedAt: lastJob ? lastJob.toISOString() : null,
      schedules: queue.connected ? await this.schedules() : {},
    };
  }

  /** The queue's job counts through its own Redis connection: the check and useful figures. */
  private async queueState(): Promise<WorkerHealthReport['queue']> {
    const name = this.queue.name;
    try {
      const counts = await withTimeout(
        this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
        CHECK_TIMEOUT_MS,
        'the queue did not answer within 1 s',
      );
      return { name, connected: true, counts };
    } catch (error) {
      return { name, connected: false, error: (error as Error).message };
    }
  }

  private async schedules(): Promise<Record<string, ScheduleState>> {
    try {
      const schedulers = await withTimeout(
        this.scheduled.getJobSchedulers(),
        CHECK_TIMEOUT_MS,
        'the scheduled queue did not answer within 1 s',
      );
      const entries = schedulers
        .map((s): [string, ScheduleState] => [
          s.key,
          {
            pattern: s.pattern ?? null,
            tz: s.tz ?? null,
            nextRun: s.next ? new Date(s.next).toISOString() : null,
          },
        ])
        .sort(([a], [b]) => a.localeCompare(b));
      return Object.fromEntries(entries);
    } catch {
      // Health is decided by the email queue's check; the schedules are information.
      return {};
    }
  }
}
