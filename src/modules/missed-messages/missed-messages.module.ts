import { Module } from '@nestjs/common';
import { MissedMessagesQueueModule } from './missed-messages-queue.module';
import { MissedMessagesScheduler } from './missed-messages.scheduler';

/** API side: chat schedules a check per stored message through {@link MissedMessagesScheduler}. */
@Module({
  imports: [MissedMessagesQueueModule],
  providers: [MissedMessagesScheduler],
  exports: [MissedMessagesScheduler],
})
export class MissedMessagesModule {}
