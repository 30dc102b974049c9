import { Module } from '@nestjs/common';
import { BlocksStoreModule } from '../blocks/blocks-store.module';
import { ChatsStoreModule } from '../chat/chats-store.module';
import { MailQueueModule } from '../mail/mail-queue.module';
import { PresenceStoreModule } from '../presence/presence-store.module';
import { UsersModule } from '../users/users.module';
import { MissedMessagesQueueModule } from './missed-messages-queue.module';
import { MissedMessagesProcessor } from './missed-messages.processor';
import { MissedMessagesService } from './missed-messages.service';

/** Worker side: runs the checks and queues the missed-message emails. */
@Module({
  imports: [
    MissedMessagesQueueModule,
    ChatsStoreModule,
    UsersModule,
    PresenceStoreModule,
    BlocksStoreModule,
    MailQueueModule,
  ],
  providers: [MissedMessagesService, MissedMessagesProcessor],
})
export class MissedMessagesWorkerModule {}
