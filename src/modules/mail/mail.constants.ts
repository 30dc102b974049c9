import type { DefaultJobOptions } from 'bullmq';

export const EMAIL_QUEUE = 'emailQueue';

/** Job names as the contract (§6.2) spells them; any other name fails as an unknown job type. */
export const EmailJob = {
  Verification: 'sendVerificationEmail',
  Welcome: 'sendWelcomeEmail',
  Digest: 'sendDigest',
  PaymentReceipt: 'sendPaymentReceipt',
  PasswordReset: 'sendPasswordResetEmail',
  PasswordChanged: 'sendPasswordChangedEmail',
  AccountDeleted: 'sendAccountDeletedEmail',
  MissedMessages: 'sendMissedMessagesEmail',
} as const;
export type EmailJobName = (typeof EmailJob)[keyof typeof EmailJob];

export interface VerificationEmailJob {
  userId: string;
  to: string;
  firstName: string;
  /**
   * Not the token: the worker derives the link's token from this nonce with a server secret
   * (verification-token.ts), so job data kept in Redis cannot verify anyone's email.
   */
  tokenNonce: string;
}

export interface WelcomeEmailJob {
  userId: string;
  to: string;
  firstName: string;
}

export interface DigestEmailJob {
  userId: string;
  to: string;
  firstName: string;
  count: number;
}

/** After a captured payment whose plan was applied; one per payment id. */
export interface PaymentReceiptEmailJob {
  userId: string;
  to: string;
  firstName: string;
  orderId: string;
  paymentId: string;
  membershipType: string;
  billingCycle: string;
  /** In the smallest unit (paise for INR), as stored on the payments row. */
  amount: number;
  currency: string;
  /** ISO-8601 instant: the membership's new expiry. */
  membershipExpiry: string;
}

/** Like verification: a nonce the worker turns into the link's token (password-reset-token.ts). */
export interface PasswordResetEmailJob {
  userId: string;
  to: string;
  firstName: string;
  tokenNonce: string;
}

/** After a password reset: tells the owner, in case it was not them. */
export interface PasswordChangedEmailJob {
  userId: string;
  to: string;
  firstName: string;
}

/**
 * Confirms an account deletion. The address was captured before the account was deleted: the
 * job is all that is left of it, and the queue removes it like any other finished job.
 */
export interface AccountDeletedEmailJob {
  userId: string;
  to: string;
  firstName: string;
}

/**
 * Messages in one chat stayed unread while the recipient (`userId`) was offline. The message
 * texts are not copied: the email says who wrote and how many, the app shows them.
 */
export interface MissedMessagesEmailJob {
  userId: string;
  to: string;
  firstName: string;
  chatId: string;
  fromName: string;
  /** Unread messages in the chat when the check ran. */
  unread: number;
}

export type EmailJobData =
  | VerificationEmailJob
  | WelcomeEmailJob
  | DigestEmailJob
  | PaymentReceiptEmailJob
  | PasswordResetEmailJob
  | PasswordChangedEmailJob
  | AccountDeletedEmailJob
  | MissedMessagesEmailJob;

/** The states of jobs that have not started: the ones an account deletion may still drop. */
export const NOT_STARTED_JOB_STATES = ['waiting', 'delayed', 'prioritized', 'paused'] as const;

/** Jobs read per page when looking for a user's queued emails. */
export const QUEUED_JOBS_PAGE = 500;

/**
 * Whether a queued email concerns this user (by id or address); the deletion confirmation never
 * does, so dropping a user's emails never drops the one that tells them their account is gone.
 */
export function emailJobConcerns(
  job: { name: string; data?: Partial<Pick<EmailJobData, 'userId' | 'to'>> },
  userId: string,
  emailId: string,
): boolean {
  if (job.name === EmailJob.AccountDeleted) return false;
  const to = typeof job.data?.to === 'string' ? job.data.to.trim().toLowerCase() : undefined;
  return job.data?.userId === userId || to === emailId.trim().toLowerCase();
}

/** The product promises at most 2 emails per second (the provider's limit), 5 in flight. */
export const EMAIL_WORKER_CONCURRENCY = 5;
export const EMAIL_RATE_LIMIT = { max: 2, duration: 1000 };

/**
 * Lock timing of the email worker (MAIL_LOCK_DURATION_MS). A worker renews its lock at half the
 * duration; a worker killed mid-job stops renewing, and the stalled-job check (same interval, in
 * every worker) moves the job back to waiting once the lock has expired, once per job
 * (`maxStalledCount` 1, BullMQ's default; a second stall fails it). The retry sends with the same
 * idempotency key, so the provider never delivers it twice.
 */
export function mailLockOptions(lockDurationMs: number) {
  return {
    lockDuration: lockDurationMs,
    lockRenewTime: Math.floor(lockDurationMs / 2),
    stalledInterval: lockDurationMs,
  };
}

/** Defaults for every email job (contract §6.1); failed jobs are kept for inspection. */
export function emailJobOptions(retryDelayMs: number): DefaultJobOptions {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: retryDelayMs },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  };
}
