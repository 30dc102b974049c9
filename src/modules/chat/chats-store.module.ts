import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Chat, ChatSchema } from './chat.schema';
import { ChatsRepository } from './chats.repository';

/** The `chats` collection alone: for the chat feature and the worker's missed-message check. */
@Module({
  imports: [MongooseModule.forFeature([{ name: Chat.name, schema: ChatSchema }])],
  providers: [ChatsRepository],
  exports: [ChatsRepository],
})
export class ChatsStoreModule {}
