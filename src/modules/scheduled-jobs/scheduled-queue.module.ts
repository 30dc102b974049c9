import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { queueDepthMetrics } from '../metrics/queue-depth.provider';
import { SCHEDULED_JOB_OPTIONS, SCHEDULED_QUEUE } from './scheduled-jobs.constants';

/** Registers the `scheduled` queue (the worker's schedulers and processor, the dashboard). */
@Module({
  imports: [
    BullModule.registerQueue({ name: SCHEDULED_QUEUE, defaultJobOptions: SCHEDULED_JOB_OPTIONS }),
  ],
  providers: [queueDepthMetrics(SCHEDULED_QUEUE)],
  exports: [BullModule],
})
export class ScheduledQueueModule {}
