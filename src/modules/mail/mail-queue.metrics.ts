import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { EMAIL_QUEUE } from './mail.constants';

/** Puts `emailQueue` in the queue-depth metrics of whichever process registers it. */
@Injectable()
export class MailQueueMetrics implements OnModuleInit {
  constructor(
    @InjectQueue(EMAIL_QUEUE) private readonly queue: Queue,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.observeQueue(this.queue);
  }
}
