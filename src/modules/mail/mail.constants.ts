import type { DefaultJobOptions } from 'bullmq';

export const EMAIL_QUEUE = 'emailQueue';

/** Job names as the contract (§6.2) spells them; any other name fails as an unknown job type. */
export const EmailJob = {
  Verification: 'sendVerificationEmail',
  Welcome: 'sendWelcomeEmail',
  Digest: 'sendDigest',
} as const;
export type EmailJobName = (typeof EmailJob)[keyof typeof EmailJob];

export interface VerificationEmailJob {
  userId: string;
  to: string;
  firstName: string;
  /** The raw token (the link needs it); only its SHA-256 is stored on the user. */
  verifyToken: string;
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

export type EmailJobData = VerificationEmailJob | WelcomeEmailJob | DigestEmailJob;

/** The product promises at most 2 emails per second (the provider's limit), 5 in flight. */
export const EMAIL_WORKER_CONCURRENCY = 5;
export const EMAIL_RATE_LIMIT = { max: 2, duration: 1000 };

/** Defaults for every email job (contract §6.1); failed jobs are kept for inspection. */
export function emailJobOptions(retryDelayMs: number): DefaultJobOptions {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: retryDelayMs },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  };
}
