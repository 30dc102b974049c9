import { getModelToken } from '@nestjs/mongoose';
import type { Db } from 'mongodb';
import type { Model } from 'mongoose';
import { Types } from 'mongoose';
import { historyKeyOf, Message } from '../src/modules/chat/chat.schema';
import { MessagesRepository } from '../src/modules/chat/messages.repository';
import { messagesHistoryKey } from '../src/modules/migrations/scripts/2026-12-04-messages-history-key';
import { createTestApp, TestApp } from './support/test-app';

/**
 * History windows read `historyKey` only once every stored message has one; before that (data
 * from before the key, or written by an older instance in a rolling restart) they read
 * `{ chatId, _id }`. Either way a page holds exactly the chat's newest messages.
 */
describe('Chat history windows and messages without historyKey', () => {
  let t: TestApp;
  let db: Db;
  let model: Model<Message>;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.connection.db as unknown as Db;
    model = t.app.get<Model<Message>>(getModelToken(Message.name));
  });

  afterAll(() => t.close());

  /** A chat of `count` messages one second apart ending now, and another chat interleaved. */
  let chatsSeeded = 0;
  async function seedChat(count: number, withKeys: boolean) {
    const seedNo = chatsSeeded++;
    const chatId = new Types.ObjectId();
    const otherChatId = new Types.ObjectId();
    const senderId = new Types.ObjectId();
    const now = Math.floor(Date.now() / 1000);
    const docs = [chatId, otherChatId].flatMap((chat, c) =>
      Array.from({ length: count }, (_, i) => {
        const createdAt = new Date((now - count + i) * 1000);
        // The second of `createdAt`, then a part unique to this chat and message.
        const time = Types.ObjectId.createFromTime(now - count + i)
          .toHexString()
          .slice(0, 8);
        const unique = new Types.ObjectId(
          time + String(seedNo * 2 + c).padStart(4, '0') + String(i).padStart(12, '0'),
        );
        return {
          _id: unique,
          chatId: chat,
          senderId,
          text: `m${i}`,
          clientMessageId: unique.toHexString(),
          createdAt,
          ...(withKeys ? { historyKey: historyKeyOf(chat, unique) } : {}),
        };
      }),
    );
    await db.collection('messages').insertMany(docs);
    const mine = docs.filter((d) => d.chatId.equals(chatId));
    return {
      chat: {
        _id: chatId,
        // Unknown size and an old creation: the history is read in windows.
        createdAt: new Date((now - 10 * count) * 1000),
        newestId: mine.at(-1)!._id,
      },
      newestFirst: mine.map((d) => d._id.toHexString()).reverse(),
    };
  }

  const ids = (rows: { _id: Types.ObjectId }[]) => rows.map((r) => r._id.toHexString());

  it('before the migration, windows read { chatId, _id } and miss nothing', async () => {
    const { chat, newestFirst } = await seedChat(120, false);
    const repository = new MessagesRepository(model);
    expect(ids(await repository.newestFirst(chat, undefined, 51))).toEqual(
      newestFirst.slice(0, 51),
    );
    const before = new Types.ObjectId(newestFirst[50]);
    expect(ids(await repository.newestFirst(chat, before, 51))).toEqual(newestFirst.slice(51, 102));
  });

  it('after it, every message has its key and the windows on it serve the same pages', async () => {
    const { chat, newestFirst } = await seedChat(120, false);
    const { changed } = await messagesHistoryKey.up(db);
    expect(changed).toBeGreaterThanOrEqual(240);
    expect(await db.collection('messages').countDocuments({ historyKey: null })).toBe(0);
    const one = await db.collection('messages').findOne({ chatId: chat._id });
    expect(one?.historyKey).toBe(historyKeyOf(chat._id, one!._id));
    expect(await messagesHistoryKey.up(db)).toEqual({ changed: 0 });

    const repository = new MessagesRepository(model);
    const find = jest.spyOn(model, 'find');
    expect(ids(await repository.newestFirst(chat, undefined, 51))).toEqual(
      newestFirst.slice(0, 51),
    );
    const before = new Types.ObjectId(newestFirst[50]);
    expect(ids(await repository.newestFirst(chat, before, 51))).toEqual(newestFirst.slice(51, 102));
    const filters = find.mock.calls.map((call) =>
      Object.keys((call as unknown[])[0] ?? {}).join(','),
    );
    expect(filters).toContain('historyKey');
    expect(filters).not.toContain('chatId,_id');
    find.mockRestore();
  });

  it('messages stored by this API carry their key', async () => {
    const repository = new MessagesRepository(model);
    const chatId = new Types.ObjectId();
    const { message } = await repository.insert({
      chatId,
      senderId: new Types.ObjectId(),
      text: 'hi',
    });
    const stored = await db.collection('messages').findOne({ _id: message._id });
    expect(stored?.historyKey).toBe(historyKeyOf(chatId, message._id));
  });
});
