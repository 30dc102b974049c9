import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BlocksStoreModule } from '../blocks/blocks-store.module';
import { ConnectionsModule } from '../connections/connections.module';
import { MembershipModule } from '../membership/membership.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PresenceModule } from '../presence/presence.module';
import { UsersModule } from '../users/users.module';
import { ChatEmitClaims } from './chat-emit-claims';
import { ChatSendLimiter } from './chat-send-limiter';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';
import { MissedMessagesModule } from '../missed-messages/missed-messages.module';
import { Message, MessageSchema } from './chat.schema';
import { ChatService } from './chat.service';
import { ChatsStoreModule } from './chats-store.module';
import { MessagesRepository } from './messages.repository';

/**
 * Conversations between connections: `chats` and `messages`, the `/chat` routes, chat events.
 * Exports ChatService (the profile's data export reads the caller's messages through it).
 */
@Module({
  imports: [
    UsersModule,
    ConnectionsModule,
    PresenceModule,
    MembershipModule,
    NotificationsModule,
    BlocksStoreModule,
    ChatsStoreModule,
    MissedMessagesModule,
    MongooseModule.forFeature([{ name: Message.name, schema: MessageSchema }]),
  ],
  controllers: [ChatController],
  providers: [ChatService, MessagesRepository, ChatSendLimiter, ChatEmitClaims, ChatGateway],
  exports: [ChatService],
})
export class ChatModule {}
