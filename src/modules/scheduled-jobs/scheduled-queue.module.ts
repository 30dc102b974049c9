import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { SCHEDULED_JOB_OPTIONS, SCHEDULED_QUEUE } from './scheduled-jobs.constants';

/** Puts `scheduled` in the queue-depth metrics of whichever process registers it. */
@Injectable()
export class ScheduledQueueMetrics implements OnModuleInit {
  constructor(
    @InjectQueue(SCHEDULED_QUEUE) private readonly queue: Queue,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.observeQueue(this.queue);
  }
}

/** Registers the `scheduled` queue (the worker's schedulers and processor, the dashboard). */
@Module({
  imports: [
    BullModule.registerQueue({ name: SCHEDULED_QUEUE, defaultJobOptions: SCHEDULED_JOB_OPTIONS }),
  ],
  providers: [ScheduledQueueMetrics],
  exports: [BullModule],
})
export class ScheduledQueueModule {}
