import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { MISSED_MESSAGES_JOB_OPTIONS, MISSED_MESSAGES_QUEUE } from './missed-messages.constants';

/** Puts the queue in the queue-depth metrics of whichever process registers it. */
@Injectable()
export class MissedMessagesQueueMetrics implements OnModuleInit {
  constructor(
    @InjectQueue(MISSED_MESSAGES_QUEUE) private readonly queue: Queue,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.observeQueue(this.queue);
  }
}

/** Registers the `missed-messages` queue (API: adds checks; worker: runs them). */
@Module({
  imports: [
    BullModule.registerQueue({
      name: MISSED_MESSAGES_QUEUE,
      defaultJobOptions: MISSED_MESSAGES_JOB_OPTIONS,
    }),
  ],
  providers: [MissedMessagesQueueMetrics],
  exports: [BullModule],
})
export class MissedMessagesQueueModule {}
