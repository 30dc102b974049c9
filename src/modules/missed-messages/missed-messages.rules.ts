/**
 * When to email about unread messages. A message stored at `sentAt` schedules a check for when it
 * has waited the delay (MISSED_MESSAGE_DELAY_MS, 15 minutes). Checks are bucketed per chat and
 * recipient, so a busy conversation adds at most one check a bucket; the bucket's check runs once
 * its last possible message has waited the delay. A bucket is a fifteenth of the delay (a minute
 * for 15 minutes, never more), so no email comes later than about 7 % past the delay.
 */
export const MAX_CHECK_BUCKET_MS = 60_000;

export const checkBucketMs = (delayMs: number) =>
  Math.max(1, Math.min(MAX_CHECK_BUCKET_MS, Math.floor(delayMs / 15)));

export interface ScheduledCheck {
  jobId: string;
  /** From now until the check runs. */
  delayMs: number;
}

/** The check of a message stored at `sentAt` (job id and delay). */
export function checkJobFor(
  chatId: string,
  recipientId: string,
  sentAt: Date,
  delayMs: number,
  now: Date,
): ScheduledCheck {
  const bucketMs = checkBucketMs(delayMs);
  const bucket = Math.floor(sentAt.getTime() / bucketMs);
  const runAt = (bucket + 1) * bucketMs + delayMs;
  return {
    jobId: `missed-${chatId}-${recipientId}-${bucket}`,
    delayMs: Math.max(0, runAt - now.getTime()),
  };
}

/** What the check reads of the chat. */
export interface ChatReadState {
  unread?: Record<string, number>;
  lastReadAt?: Record<string, Date | null>;
  lastMessage?: { senderId: { toHexString(): string }; createdAt: Date } | null;
}

export type MissedMessagesVerdict =
  /** Nothing unread, or everything unread is the recipient's own. */
  | { outcome: 'read' }
  /** A message has waited the delay unread: email (if offline, wanted and not sent lately). */
  | { outcome: 'email'; unread: number }
  /**
   * The message checked was read; newer ones are not due yet. Each was stored with its own
   * bucket's check, which is due later: nothing to do now.
   */
  | { outcome: 'notYet' };

/**
 * Whether the recipient missed a message: one stored at `sentAt` (the check's) or later, unread
 * for `delayMs`. Reading the chat resets `unread` and moves `lastReadAt`; messages after that read
 * are unread again, and the newest of them is `lastMessage`.
 */
export function missedMessagesVerdict(
  chat: ChatReadState,
  recipientId: string,
  sentAt: Date,
  delayMs: number,
  now: Date,
): MissedMessagesVerdict {
  const unread = chat.unread?.[recipientId] ?? 0;
  if (unread <= 0) return { outcome: 'read' };
  const lastRead = chat.lastReadAt?.[recipientId] ?? null;
  const dueBy = now.getTime() - delayMs;
  if ((!lastRead || lastRead < sentAt) && sentAt.getTime() <= dueBy) {
    return { outcome: 'email', unread };
  }
  const newest = chat.lastMessage;
  if (!newest || newest.senderId.toHexString() === recipientId) return { outcome: 'read' };
  if (lastRead && newest.createdAt <= lastRead) return { outcome: 'read' };
  if (newest.createdAt.getTime() <= dueBy) return { outcome: 'email', unread };
  return { outcome: 'notYet' };
}

/** Redis key of the "emailed lately" claim of a chat and recipient (MISSED_MESSAGE_COOLDOWN_MS). */
export const cooldownKeyOf = (chatId: string, recipientId: string) =>
  `missed-mail:${chatId}:${recipientId}`;
