import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { Message, MessageRecord } from './chat.schema';

export interface NewMessage {
  chatId: Types.ObjectId;
  senderId: Types.ObjectId;
  text: string;
  /** Absent: the message's own id (the unique index needs a value on every document). */
  clientMessageId?: string;
}

/** The only place that queries `messages` (see chat.schema.ts); every query names its index. */
@Injectable()
export class MessagesRepository {
  constructor(@InjectModel(Message.name) private readonly messages: Model<Message>) {}

  /**
   * Stores a message, exactly once per `(chat, sender, clientMessageId)`: a retry hits the unique
   * index and gets the original back with `created: false`.
   */
  async insert(message: NewMessage): Promise<{ message: MessageRecord; created: boolean }> {
    const _id = new Types.ObjectId();
    const doc: MessageRecord = {
      _id,
      chatId: message.chatId,
      senderId: message.senderId,
      text: message.text,
      clientMessageId: message.clientMessageId ?? _id.toHexString(),
      createdAt: new Date(),
    };
    try {
      await this.messages.collection.insertOne(doc);
      return { message: doc, created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error) || message.clientMessageId === undefined) throw error;
      const original = await this.findByClientId(
        message.chatId,
        message.senderId,
        message.clientMessageId,
      );
      if (!original) throw error;
      return { message: original, created: false };
    }
  }

  /** Index: unique `{ chatId, senderId, clientMessageId }`. */
  findByClientId(
    chatId: Types.ObjectId,
    senderId: Types.ObjectId,
    clientMessageId: string,
  ): Promise<MessageRecord | null> {
    return this.messages
      .findOne({ chatId, senderId, clientMessageId: { $eq: clientMessageId } })
      .lean<MessageRecord>()
      .exec();
  }

  /** Newest first, strictly before `before` (a message id). Index: `{ chatId, _id }`. */
  newestFirst(
    chatId: Types.ObjectId,
    before: Types.ObjectId | undefined,
    limit: number,
  ): Promise<MessageRecord[]> {
    const filter: Record<string, unknown> = { chatId };
    if (before) filter._id = { $lt: before };
    return this.messages.find(filter).sort({ _id: -1 }).limit(limit).lean<MessageRecord[]>().exec();
  }
}
