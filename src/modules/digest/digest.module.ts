import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { MailQueueModule } from '../mail/mail-queue.module';
import { UsersModule } from '../users/users.module';
import { DigestService } from './digest.service';

/** The daily digest; run by the worker's scheduled jobs (scheduled-jobs module). */
@Module({
  imports: [ConnectionsModule, UsersModule, MailQueueModule],
  providers: [DigestService],
  exports: [DigestService],
})
export class DigestModule {}
