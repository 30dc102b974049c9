import type { DefaultJobOptions } from 'bullmq';

/** The queue BullMQ's job schedulers add the scheduled jobs to (worker side: one processor). */
export const SCHEDULED_QUEUE = 'scheduled';

/** Scheduler ids, which are also the names of the jobs they add. */
export const ScheduledJob = {
  Digest: 'daily-digest',
  MembershipDowngrade: 'membership-downgrade',
  PaymentReconciliation: 'payment-reconciliation',
  SessionCleanup: 'session-cleanup',
  NotificationCleanup: 'notification-cleanup',
} as const;
export type ScheduledJobName = (typeof ScheduledJob)[keyof typeof ScheduledJob];

/** Hourly, at minute 0. */
export const MEMBERSHIP_DOWNGRADE_PATTERN = '0 * * * *';
/** Every 5 minutes. */
export const PAYMENT_RECONCILIATION_PATTERN = '*/5 * * * *';
/** Hourly, at minute 0. */
export const SESSION_CLEANUP_PATTERN = '0 * * * *';
/** Daily at 03:15 UTC. */
export const NOTIFICATION_CLEANUP_PATTERN = '15 3 * * *';

/**
 * Every run may fail on a Redis or database outage: retried twice with backoff (each run is safe
 * to repeat), then kept in the failed set for the dashboard. Bounded so hourly and 5-minute runs
 * never grow Redis without limit.
 */
export const SCHEDULED_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: 100,
  removeOnFail: 500,
} satisfies DefaultJobOptions;
