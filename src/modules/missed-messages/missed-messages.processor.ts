import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import {
  CHECK_MISSED_MESSAGES_JOB,
  MISSED_MESSAGES_CONCURRENCY,
  MISSED_MESSAGES_QUEUE,
  type MissedMessagesCheck,
} from './missed-messages.constants';
import { MissedMessagesOutcome, MissedMessagesService } from './missed-messages.service';

/** Runs the delayed checks (worker process). A failed check is retried by BullMQ. */
@Processor(MISSED_MESSAGES_QUEUE, { concurrency: MISSED_MESSAGES_CONCURRENCY })
export class MissedMessagesProcessor extends WorkerHost {
  private readonly logger = new Logger(MissedMessagesProcessor.name);

  constructor(private readonly missed: MissedMessagesService) {
    super();
  }

  process(job: Job<MissedMessagesCheck>): Promise<MissedMessagesOutcome> {
    if (job.name !== CHECK_MISSED_MESSAGES_JOB) {
      return Promise.reject(new Error(`unknown job type: ${job.name}`));
    }
    return this.missed.check(job.data);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<MissedMessagesCheck> | undefined, error: Error): void {
    this.logger.warn({
      msg: 'Missed-message check failed',
      jobId: job?.id,
      attempt: job?.attemptsMade,
      err: { message: error.message },
    });
  }

  /** Worker-level errors (Redis unreachable): one log line, never an unhandled `error` event. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ msg: 'Missed-message worker error', err: { message: error.message } });
  }
}
