import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { EMAIL_QUEUE, emailJobOptions } from './mail.constants';
import { queueDepthMetrics } from '../metrics/queue-depth.provider';
import { MailProducer } from './mail.producer';

/**
 * Registers `emailQueue` with its default job options, exposes the producer (API side) and adds
 * the queue to the process's queue metrics.
 */
@Module({
  imports: [
    BullModule.registerQueueAsync({
      name: EMAIL_QUEUE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        defaultJobOptions: emailJobOptions(config.mail.retryDelayMs),
      }),
    }),
  ],
  providers: [MailProducer, queueDepthMetrics(EMAIL_QUEUE)],
  exports: [MailProducer, BullModule],
})
export class MailQueueModule {}
