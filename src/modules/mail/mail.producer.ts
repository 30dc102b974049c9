import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { withTimeout } from '../../common/async/with-timeout';
import {
  AccountDeletedEmailJob,
  DigestEmailJob,
  EMAIL_QUEUE,
  EmailJob,
  EmailJobData,
  emailJobConcerns,
  EmailJobName,
  PasswordChangedEmailJob,
  PasswordResetEmailJob,
  MissedMessagesEmailJob,
  NOT_STARTED_JOB_STATES,
  PaymentReceiptEmailJob,
  QUEUED_JOBS_PAGE,
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

  /** One per account: a deletion run again never sends a second confirmation. */
  sendAccountDeleted(job: AccountDeletedEmailJob): Promise<boolean> {
    return this.enqueue(EmailJob.AccountDeleted, job, `account-deleted-${job.userId}`);
  }

  /** One per claim (`claimedAt`): the check that claimed a chat's cooldown sends it once. */
  sendMissedMessages(job: MissedMessagesEmailJob, claimedAt: Date): Promise<boolean> {
    return this.enqueue(
      EmailJob.MissedMessages,
      job,
      `missed-messages-${job.chatId}-${job.userId}-${claimedAt.getTime()}`,
    );
  }

  /**
   * Removes the emails queued for this user (by id or address) that no worker has started, for
   * an account being deleted; returns how many. BullMQ keeps no index by job data, so the
   * not-started jobs are read in pages; the queue holds few of those (emails leave at 2 per
   * second), and this runs once per deleted account. A job that a worker took meanwhile cannot
   * be removed (it is locked) and is left to finish. Throws when Redis fails: the deletion stops
   * there and a retry runs this again.
   */
  async dropQueuedFor(userId: string, emailId: string): Promise<number> {
    const matching: { remove: () => Promise<void> }[] = [];
    for (let start = 0; ; start += QUEUED_JOBS_PAGE) {
      const page = await this.queue.getJobs(
        [...NOT_STARTED_JOB_STATES],
        start,
        start + QUEUED_JOBS_PAGE - 1,
        true,
      );
      matching.push(...page.filter((job) => job && emailJobConcerns(job, userId, emailId)));
      if (page.length < QUEUED_JOBS_PAGE) break;
    }
    let dropped = 0;
    for (const job of matching) {
      try {
        await job.remove();
        dropped++;
      } catch (error) {
        this.logger.warn({
          msg: 'Queued email not removed (started meanwhile?)',
          userId,
          err: error,
        });
      }
    }
    if (dropped > 0) this.logger.log({ msg: 'Queued emails dropped', userId, dropped });
    return dropped;
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
