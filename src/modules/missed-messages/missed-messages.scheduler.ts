import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import {
  CHECK_MISSED_MESSAGES_JOB,
  MISSED_MESSAGES_QUEUE,
  type MissedMessagesCheck,
} from './missed-messages.constants';
import { checkJobFor } from './missed-messages.rules';

/** Checks this process added lately, so a busy chat adds one job a minute, not one a message. */
const REMEMBERED_CHECKS = 10_000;

/**
 * API side: every stored message schedules the delayed check of its recipient (the worker runs
 * it). Best effort, like the live notification: a check that cannot be queued is logged and the
 * message stands.
 */
@Injectable()
export class MissedMessagesScheduler {
  private readonly logger = new Logger(MissedMessagesScheduler.name);
  private readonly added = new Set<string>();

  constructor(
    @InjectQueue(MISSED_MESSAGES_QUEUE) private readonly queue: Queue<MissedMessagesCheck>,
    private readonly config: AppConfig,
  ) {}

  /** Never throws and never waits for Redis. */
  messageStored(chatId: string, recipientId: string, sentAt: Date, now = new Date()): void {
    const { jobId, delayMs } = checkJobFor(
      chatId,
      recipientId,
      sentAt,
      this.config.missedMessages.delayMs,
      now,
    );
    if (this.added.has(jobId)) return;
    if (this.added.size >= REMEMBERED_CHECKS) this.added.clear();
    this.added.add(jobId);
    this.queue
      .add(
        CHECK_MISSED_MESSAGES_JOB,
        { chatId, recipientId, sentAt: sentAt.toISOString() },
        { jobId, delay: delayMs },
      )
      .catch((error: unknown) => {
        this.added.delete(jobId);
        this.logger.warn({ msg: 'Missed-message check not queued', chatId, err: error });
      });
  }
}
