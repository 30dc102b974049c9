import { Module } from '@nestjs/common';
import { MailQueueModule } from './mail-queue.module';
import { MailProcessor } from './mail.processor';
import { MailSender } from './mail.sender';

/** The worker's email module: consumes `emailQueue` and delivers through Resend (or the outbox). */
@Module({
  imports: [MailQueueModule],
  providers: [MailSender, MailProcessor],
})
export class MailModule {}
