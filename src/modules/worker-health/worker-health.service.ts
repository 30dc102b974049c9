import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';
import { withTimeout } from '../../common/async/with-timeout';
import { EMAIL_QUEUE } from '../mail/mail.constants';
import { METRIC_PREFIX, METRICS_REGISTRY } from '../metrics/metrics.constants';
import { MetricsService } from '../metrics/metrics.service';

const CHECK_TIMEOUT_MS = 1000;

export interface CronJobState {
  /** When the job last fired in this process (null: not since it started). */
  lastRun: string | null;
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
  /** Every scheduled job of this worker, by name. */
  cron: Record<string, CronJobState>;
}

/**
 * What a container orchestrator needs to decide whether the worker is alive: its queue
 * connection (the job counts, read through the queue's own Redis connection), the last job it completed and each
 * cron job's last and next run (from the scheduler: the time a job fired, whether or not another
 * worker held that slot's lock). Also exports each job's last run as a metric.
 */
@Injectable()
export class WorkerHealthService implements OnModuleInit {
  constructor(
    @InjectQueue(EMAIL_QUEUE) private readonly queue: Queue,
    private readonly scheduler: SchedulerRegistry,
    private readonly metrics: MetricsService,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const cronJobs = () => this.cronJobs();
    new Gauge({
      name: `${METRIC_PREFIX}cron_last_run_timestamp_seconds`,
      help: 'When each scheduled job last fired in this worker (Unix time; 0: not yet)',
      labelNames: ['job'],
      registers: [this.registry],
      collect() {
        for (const [job, state] of Object.entries(cronJobs())) {
          this.set({ job }, state.lastRun ? Date.parse(state.lastRun) / 1000 : 0);
        }
      },
    });
  }

  async report(): Promise<WorkerHealthReport> {
    const queue = await this.queueState();
    const lastJob = this.metrics.lastJobCompletedAt(EMAIL_QUEUE);
    return {
      status: queue.connected ? 'ok' : 'error',
      uptime: process.uptime(),
      queue,
      lastJobCompletedAt: lastJob ? lastJob.toISOString() : null,
      cron: this.cronJobs(),
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

  private cronJobs(): Record<string, CronJobState> {
    const jobs: Record<string, CronJobState> = {};
    const entries = [...this.scheduler.getCronJobs().entries()].sort(([a], [b]) =>
      a.localeCompare(b),
    );
    for (const [name, job] of entries) {
      let nextRun: string | null = null;
      try {
        nextRun = job.nextDate().toJSDate().toISOString();
      } catch {
        // A stopped job has no next date.
      }
      jobs[name] = { lastRun: job.lastDate()?.toISOString() ?? null, nextRun };
    }
    return jobs;
  }
}
