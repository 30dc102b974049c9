import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import {
  DigestEmailJob,
  EMAIL_QUEUE,
  EMAIL_RATE_LIMIT,
  EMAIL_WORKER_CONCURRENCY,
  EmailJob,
  EmailJobData,
  mailLockOptions,
  MissedMessagesEmailJob,
  PasswordResetEmailJob,
  PaymentReceiptEmailJob,
  VerificationEmailJob,
} from './mail.constants';
import { MailSender } from './mail.sender';
import type { EmailList } from '../notifications/email-preferences';
import { unsubscribeKey, unsubscribeUrl } from '../notifications/unsubscribe-link';
import { passwordResetTokenKey } from './password-reset-token';
import { verificationTokenFor, verificationTokenKey } from './verification-token';
import {
  accountDeletedEmail,
  digestEmail,
  missedMessagesEmail,
  passwordChangedEmail,
  passwordResetEmail,
  paymentReceiptEmail,
  RenderedEmail,
  verificationEmail,
  welcomeEmail,
} from './mail.templates';

const JOB_NAMES: ReadonlySet<string> = new Set(Object.values(EmailJob));
/** A job name for metric labels: one of ours, or `unknown` (names come from the queue). */
const jobLabel = (name: string | undefined) => (name && JOB_NAMES.has(name) ? name : 'unknown');

/**
 * The options BullMQ's worker is built with. @nestjs/bullmq creates the worker from this object
 * once the providers exist, so the constructor below first adds the configured lock timing.
 */
const workerOptions: NonNullable<Parameters<typeof Processor>[1]> = {
  concurrency: EMAIL_WORKER_CONCURRENCY,
  limiter: EMAIL_RATE_LIMIT,
};

/** The worker side of email: renders and sends each job, at most 2 per second across workers. */
@Processor(EMAIL_QUEUE, workerOptions)
export class MailProcessor extends WorkerHost {
  private readonly logger = new Logger(MailProcessor.name);
  private readonly verificationKey: Buffer;
  private readonly passwordResetKey: Buffer;
  private readonly unsubscribeKey: Buffer;

  constructor(
    private readonly sender: MailSender,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    super();
    Object.assign(workerOptions, mailLockOptions(config.mail.lockDurationMs));
    this.verificationKey = verificationTokenKey(config.auth.accessSecret);
    this.passwordResetKey = passwordResetTokenKey(config.auth.accessSecret);
    this.unsubscribeKey = unsubscribeKey(config.auth.accessSecret);
  }

  async process(job: Job<EmailJobData>): Promise<string> {
    const email = this.render(job);
    return this.sender.send(job.data.to, email, job.id ?? `${job.name}-${job.timestamp}`);
  }

  private render(job: Job<EmailJobData>): RenderedEmail {
    const frontendUrl = this.config.frontendUrl;
    switch (job.name) {
      case EmailJob.Verification: {
        const data = job.data as VerificationEmailJob;
        const token = verificationTokenFor(this.verificationKey, data.tokenNonce);
        return verificationEmail(data, token, frontendUrl);
      }
      case EmailJob.Welcome:
        return welcomeEmail(job.data, frontendUrl);
      case EmailJob.Digest:
        return digestEmail(
          job.data as DigestEmailJob,
          frontendUrl,
          this.unsubscribeUrl(job.data.userId, 'digest'),
        );
      case EmailJob.MissedMessages:
        return missedMessagesEmail(
          job.data as MissedMessagesEmailJob,
          frontendUrl,
          this.unsubscribeUrl(job.data.userId, 'missedMessages'),
        );
      case EmailJob.PaymentReceipt:
        return paymentReceiptEmail(job.data as PaymentReceiptEmailJob, frontendUrl);
      case EmailJob.PasswordReset: {
        const data = job.data as PasswordResetEmailJob;
        const token = verificationTokenFor(this.passwordResetKey, data.tokenNonce);
        return passwordResetEmail(data, token, frontendUrl);
      }
      case EmailJob.PasswordChanged:
        return passwordChangedEmail(job.data, frontendUrl);
      case EmailJob.AccountDeleted:
        return accountDeletedEmail(job.data, frontendUrl);
      default:
        throw new Error(`unknown job type: ${job.name}`);
    }
  }

  private unsubscribeUrl(userId: string, list: EmailList): string {
    return unsubscribeUrl(this.config.publicApiUrl, this.unsubscribeKey, userId, list);
  }

  @OnWorkerEvent('completed')
  onCompleted(job: Job<EmailJobData>, messageId: string): void {
    this.metrics.emailResult(jobLabel(job.name), 'sent');
    this.metrics.jobCompletedNow(EMAIL_QUEUE);
    this.logger.log({
      msg: 'Email sent',
      jobId: job.id,
      job: job.name,
      userId: job.data.userId,
      messageId,
    });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<EmailJobData> | undefined, error: Error): void {
    // BullMQ emits `failed` on every failed attempt; the job is retried while attempts remain.
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.metrics.emailResult(jobLabel(job?.name), final ? 'failed' : 'retrying');
    this.logger.warn({
      msg: 'Email job failed',
      jobId: job?.id,
      job: job?.name,
      attempt: job?.attemptsMade,
      err: { message: error.message },
    });
  }

  /**
   * Worker-level errors: Redis unreachable, or a job whose lock expired while Redis was away
   * (`Missing lock for job …`; the stalled-job check retries it). One log line each instead of
   * BullMQ's stack trace on stderr.
   */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ msg: 'Email worker error', err: { message: error.message } });
  }
}
