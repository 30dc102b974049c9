import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { MailQueueModule } from '../mail/mail-queue.module';
import { UsersModule } from '../users/users.module';
import { DigestService } from './digest.service';

/** Scheduled in the worker (needs ScheduleModule); see DigestService for the once-only rules. */
@Module({
  imports: [ConnectionsModule, UsersModule, MailQueueModule],
  providers: [DigestService],
  exports: [DigestService],
})
export class DigestModule {}
