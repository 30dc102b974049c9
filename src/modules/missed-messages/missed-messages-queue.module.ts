import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { queueDepthMetrics } from '../metrics/queue-depth.provider';
import { MISSED_MESSAGES_JOB_OPTIONS, MISSED_MESSAGES_QUEUE } from './missed-messages.constants';

/** Registers the `missed-messages` queue (API: adds checks; worker: runs them). */
@Module({
  imports: [
    BullModule.registerQueue({
      name: MISSED_MESSAGES_QUEUE,
      defaultJobOptions: MISSED_MESSAGES_JOB_OPTIONS,
    }),
  ],
  providers: [queueDepthMetrics(MISSED_MESSAGES_QUEUE)],
  exports: [BullModule],
})
export class MissedMessagesQueueModule {}
