import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { EMAIL_QUEUE, emailJobOptions } from './mail.constants';
import { MailProducer } from './mail.producer';

/** Registers `emailQueue` with its default job options and exposes the producer (API side). */
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
  providers: [MailProducer],
  exports: [MailProducer, BullModule],
})
export class MailQueueModule {}
