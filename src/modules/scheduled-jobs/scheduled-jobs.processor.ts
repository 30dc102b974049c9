import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { SessionCleanupService } from '../auth/session-cleanup.service';
import { DigestService } from '../digest/digest.service';
import { MembershipExpiryService } from '../membership/membership-expiry.service';
import { MetricsService } from '../metrics/metrics.service';
import { NotificationCleanupService } from '../notifications/notification-cleanup.service';
import { PaymentReconciliationService } from '../payments/payment-reconciliation.service';
import { SCHEDULED_QUEUE, ScheduledJob } from './scheduled-jobs.constants';
import { isScheduledJobName, scheduledFor } from './scheduled-jobs.rules';

/** A job name for metric labels: one of ours, or `unknown` (names come from the queue). */
const jobLabel = (name: string | undefined) =>
  name && isScheduledJobName(name) ? name : 'unknown';

/**
 * Runs the scheduled jobs, one at a time per worker. Whatever a run throws (Redis or the database
 * away) makes a failed attempt that BullMQ retries, never an error that reaches the process.
 */
@Processor(SCHEDULED_QUEUE)
export class ScheduledJobsProcessor extends WorkerHost {
  private readonly logger = new Logger(ScheduledJobsProcessor.name);

  constructor(
    private readonly digest: DigestService,
    private readonly membership: MembershipExpiryService,
    private readonly payments: PaymentReconciliationService,
    private readonly sessions: SessionCleanupService,
    private readonly notifications: NotificationCleanupService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case ScheduledJob.Digest:
        return this.digest.run(scheduledFor(job));
      case ScheduledJob.MembershipDowngrade:
        return this.membership.run();
      case ScheduledJob.PaymentReconciliation:
        return this.payments.run();
      case ScheduledJob.SessionCleanup:
        return this.sessions.sweep();
      case ScheduledJob.NotificationCleanup:
        return this.notifications.sweep();
      default:
        throw new Error(`unknown scheduled job: ${job.name}`);
    }
  }

  @OnWorkerEvent('completed')
  onCompleted(job: Job): void {
    this.metrics.scheduledJobResult(jobLabel(job.name), 'completed');
    this.metrics.jobCompletedNow(SCHEDULED_QUEUE);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    // Emitted on every failed attempt; the job is retried while attempts remain.
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.metrics.scheduledJobResult(jobLabel(job?.name), final ? 'failed' : 'retrying');
    this.logger.warn({
      msg: 'Scheduled job failed',
      jobId: job?.id,
      job: job?.name,
      attempt: job?.attemptsMade,
      final,
      err: { message: error.message },
    });
  }

  /** Worker-level errors (Redis unreachable): one log line, never an unhandled `error` event. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ msg: 'Scheduled job worker error', err: { message: error.message } });
  }
}
