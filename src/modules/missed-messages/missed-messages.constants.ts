import type { DefaultJobOptions } from 'bullmq';

/** Delayed checks of messages that may stay unread (API adds, worker runs). */
export const MISSED_MESSAGES_QUEUE = 'missed-messages';
export const CHECK_MISSED_MESSAGES_JOB = 'check-missed-messages';

/** One check: the recipient of messages in a chat, and when the first of them was sent. */
export interface MissedMessagesCheck {
  chatId: string;
  recipientId: string;
  /** ISO-8601: when the message the check is for was stored. */
  sentAt: string;
}

/**
 * A check is cheap and safe to repeat (the email has its own claim): retried on a Redis or
 * database outage, then kept for the dashboard. Checks have unique ids (see checkJobFor), so
 * keeping finished ones never blocks a later check.
 */
export const MISSED_MESSAGES_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: 1000,
  removeOnFail: 1000,
} satisfies DefaultJobOptions;

export const MISSED_MESSAGES_CONCURRENCY = 5;
