import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { withTimeout } from '../../common/async/with-timeout';
import {
  DigestEmailJob,
  EMAIL_QUEUE,
  EmailJob,
  EmailJobData,
  EmailJobName,
  PasswordChangedEmailJob,
  PasswordResetEmailJob,
  PaymentReceiptEmailJob,
  VerificationEmailJob,
  WelcomeEmailJob,
} from './mail.constants';

/** How long a request may wait for Redis before we give up on the email (and log it). */
const ENQUEUE_TIMEOUT_MS = 3000;

/**
 * The API side of email: only enqueues. Failures are logged and reported as `false`, never thrown,
 * because the action that triggered the email (signup, verification) has already been committed.
 */
@Injectable()
export class MailProducer {
  private readonly logger = new Logger(MailProducer.name);

  constructor(@InjectQueue(EMAIL_QUEUE) private readonly queue: Queue<EmailJobData>) {}

  /** One job per (user, token): a retried signup or double submit never sends twice. */
  sendVerification(job: VerificationEmailJob): Promise<boolean> {
    const tokenId = job.tokenNonce.slice(0, 16);
    return this.enqueue(EmailJob.Verification, job, `verification-${job.userId}-${tokenId}`);
  }

  sendWelcome(job: WelcomeEmailJob): Promise<boolean> {
    return this.enqueue(EmailJob.Welcome, job, `welcome-${job.userId}`);
  }

  /** `day` (YYYY-MM-DD) makes the digest once per user per day, whichever replica enqueues it. */
  sendDigest(job: DigestEmailJob, day: string): Promise<boolean> {
    return this.enqueue(EmailJob.Digest, job, `digest-${job.userId}-${day}`);
  }

  /** One receipt per gateway payment id, whichever path (webhook, reconciliation) applied it. */
  sendPaymentReceipt(job: PaymentReceiptEmailJob): Promise<boolean> {
    return this.enqueue(EmailJob.PaymentReceipt, job, `receipt-${job.paymentId}`);
  }

  /** One job per reset token, like verification. */
  sendPasswordReset(job: PasswordResetEmailJob): Promise<boolean> {
    const tokenId = job.tokenNonce.slice(0, 16);
    return this.enqueue(EmailJob.PasswordReset, job, `password-reset-${job.userId}-${tokenId}`);
  }

  /** `resetId`: the reset that changed it, so a retried reset request never notifies twice. */
  sendPasswordChanged(job: PasswordChangedEmailJob, resetId: string): Promise<boolean> {
    return this.enqueue(EmailJob.PasswordChanged, job, `password-changed-${resetId}`);
  }

  private async enqueue(name: EmailJobName, data: EmailJobData, jobId: string): Promise<boolean> {
    try {
      await withTimeout(
        this.queue.add(name, data, { jobId }),
        ENQUEUE_TIMEOUT_MS,
        `queue did not answer in ${ENQUEUE_TIMEOUT_MS} ms`,
      );
      this.logger.log({ msg: 'Email queued', job: name, jobId, userId: data.userId });
      return true;
    } catch (error) {
      this.logger.error({
        msg: 'Email could not be queued',
        job: name,
        jobId,
        userId: data.userId,
        err: error,
      });
      return false;
    }
  }
}
