/*
 * Chat storage (issue 9). The migration of the original embedded-messages `chats` documents
 * (src/modules/migrations/scripts/) writes exactly these collections and fields.
 *
 * Collection `chats` — one document per pair of users:
 *   _id            ObjectId
 *   pairKey        string, unique: the two user ids (24 lowercase hex), sorted, joined by `_`
 *                  (the same format as connectionmodels.pairKey, contract §4.6)
 *   participants   ObjectId[2]: the two users, sorted as in pairKey
 *   lastMessage    { messageId: ObjectId, senderId: ObjectId, text: string, createdAt: Date }
 *                  | null (null only for a chat without messages; the newest message by _id)
 *   lastMessageAt  Date | null: lastMessage.createdAt (null without messages); sorts /chat/recent
 *   unread         { <userIdHex>: number } for both participants: messages not read yet
 *   lastReadAt     { <userIdHex>: Date | null } for both participants: when they last read
 *   messageCount   number, optional: messages stored (0 at creation, +1 per send); absent on a
 *                  chat created before it was kept (unknown, and kept absent)
 *   createdAt, updatedAt   Date (Mongoose timestamps)
 *   __v            number
 *   Indexes: unique { pairKey: 1 }; { participants: 1, lastMessageAt: -1, _id: -1 }.
 *
 * Collection `messages` — one document per message:
 *   _id              ObjectId (history is ordered and paged by _id)
 *   chatId           ObjectId → chats._id
 *   senderId         ObjectId → users._id
 *   text             string (trimmed, 1–2000 characters)
 *   clientMessageId  string, always present: the client's id for idempotent retries, else the
 *                    message's own _id as 24 hex (migrated messages: their original _id hex)
 *   createdAt        Date
 *   Indexes: { chatId: 1, _id: -1 }; unique { chatId: 1, senderId: 1, clientMessageId: 1 }.
 *
 * Portable: no transactions, no $lookup, no TTL or partial indexes.
 */
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const CHATS_COLLECTION = 'chats';
export const MESSAGES_COLLECTION = 'messages';

/** The newest message of a chat, copied on every send (one atomic update). */
export interface LastMessage {
  messageId: Types.ObjectId;
  senderId: Types.ObjectId;
  text: string;
  createdAt: Date;
}

@Schema({ collection: CHATS_COLLECTION, timestamps: true, minimize: false })
export class Chat {
  @Prop({ type: String, required: true })
  pairKey!: string;

  @Prop({ type: [Types.ObjectId], required: true })
  participants!: Types.ObjectId[];

  @Prop({ type: Object, default: null })
  lastMessage!: LastMessage | null;

  @Prop({ type: Date, default: null })
  lastMessageAt!: Date | null;

  @Prop({ type: Object, default: {} })
  unread!: Record<string, number>;

  @Prop({ type: Object, default: {} })
  lastReadAt!: Record<string, Date | null>;

  /** Sizes how history is read (chat-rules.ts historyPlan); undefined = unknown. */
  @Prop({ type: Number })
  messageCount?: number;

  createdAt!: Date;
  updatedAt!: Date;
}

export type ChatRecord = Chat & { _id: Types.ObjectId; __v?: number };

export const ChatSchema = SchemaFactory.createForClass(Chat);
ChatSchema.index({ pairKey: 1 }, { unique: true }); // one chat per pair; lookup by pair
ChatSchema.index({ participants: 1, lastMessageAt: -1, _id: -1 }); // my chats, newest activity first; unread

@Schema({ collection: MESSAGES_COLLECTION, versionKey: false })
export class Message {
  @Prop({ type: Types.ObjectId, required: true })
  chatId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  senderId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  text!: string;

  @Prop({ type: String, required: true })
  clientMessageId!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /**
   * The chat's id then the message's, in hex (see historyKeyOf): one chat's history is one range
   * of one field, which DocumentDB scans exactly; on `{ chatId, _id }` it reads every entry of the
   * chat to find an `_id` window. Absent on messages stored before it existed (see migrations).
   */
  @Prop({ type: String })
  historyKey?: string;
}

export type MessageRecord = Message & { _id: Types.ObjectId };

/** `historyKey` of message `messageId` in chat `chatId`: both ids in hex, run together. */
export const historyKeyOf = (chatId: Types.ObjectId, messageId: Types.ObjectId): string =>
  chatId.toHexString() + messageId.toHexString();

export const MessageSchema = SchemaFactory.createForClass(Message);
MessageSchema.index({ chatId: 1, _id: -1 }); // history pages, newest first
MessageSchema.index({ historyKey: 1 }); // history windows: an exact range scan of one chat
MessageSchema.index({ chatId: 1, senderId: 1, clientMessageId: 1 }, { unique: true }); // idempotent retries
