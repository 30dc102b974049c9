import { ObjectId } from 'mongodb';
import type { Db, Document } from 'mongodb';
import { MigrationRunner } from '../src/modules/migrations/migration-runner';
import { MIGRATIONS } from '../src/modules/migrations/migrations';
import { chatsSplitMessages } from '../src/modules/migrations/scripts/2026-11-28-chats-split-messages';
import { createTestApp, TestApp } from './support/test-app';

const WRITES = new Set(['insertOne', 'insertMany', 'updateOne', 'updateMany', 'deleteOne']);

/**
 * A Db whose collections count write calls and throw at the `crashAt`-th one, either before it
 * reaches the database or after it landed (the process "died" before seeing the reply).
 */
function crashingDb(db: Db, crashAt: number, mode: 'before' | 'after') {
  let writes = 0;
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop !== 'collection') {
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      }
      return (name: string) => {
        const collection = target.collection(name);
        return new Proxy(collection, {
          get(coll, method) {
            const value = Reflect.get(coll, method, coll) as unknown;
            if (typeof value !== 'function') return value;
            const fn = value as (...args: unknown[]) => Promise<unknown>;
            if (typeof method !== 'string' || !WRITES.has(method)) return fn.bind(coll);
            return async (...args: unknown[]) => {
              writes += 1;
              if (writes === crashAt && mode === 'before') throw new Error('interrupted');
              const result = await fn.apply(coll, args);
              if (writes === crashAt) throw new Error('interrupted');
              return result;
            };
          },
        });
      };
    },
  });
  return { db: wrapped, writes: () => writes };
}

const t0 = Date.parse('2024-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);

/** An embedded message as the original stored it (contract §4.3); its `_id` from its send time. */
function legacyMessage(senderId: ObjectId, text: string, minutes: number) {
  const _id = new ObjectId(ObjectId.generate(Math.floor(at(minutes).getTime() / 1000)));
  return { _id, senderId, text, createdAt: at(minutes), updatedAt: at(minutes) };
}

/** An original `chats` document: participants in creation order, embedded messages, `__v`. */
function legacyChat(participants: ObjectId[], messages: ReturnType<typeof legacyMessage>[]) {
  const last = messages.length > 0 ? messages[messages.length - 1].createdAt : at(0);
  return { _id: new ObjectId(), participants, messages, createdAt: at(0), updatedAt: last, __v: 0 };
}

const pairKey = (a: ObjectId, b: ObjectId) => [a.toHexString(), b.toHexString()].sort().join('_');
const sorted = (a: ObjectId, b: ObjectId) => (a.toHexString() < b.toHexString() ? [a, b] : [b, a]);

/**
 * The main fixture: a single chat (participants unsorted), three chats of one pair (oldest with
 * 2 messages, then 3 in the opposite order holding the pair's newest message, then an empty one),
 * a chat with no messages, and a chat already migrated (with one message) that stays as it is.
 */
function scenario() {
  const [u1, u2, u3, u4] = [0, 1, 2, 3].map(() => new ObjectId());
  const single = legacyChat(
    [u2, u1],
    [
      legacyMessage(u2, 'hi', 1),
      legacyMessage(u1, 'hello', 2),
      legacyMessage(u2, 'how are you', 3),
    ],
  );
  const dupOld = legacyChat([u1, u3], [legacyMessage(u1, 'a1', 5), legacyMessage(u3, 'a2', 9)]);
  const dupNew = legacyChat(
    [u3, u1],
    [legacyMessage(u3, 'b1', 6), legacyMessage(u1, 'b2', 12), legacyMessage(u3, 'b3', 7)],
  );
  const dupEmpty = legacyChat([u3, u1], []);
  const empty = legacyChat([u4, u1], []);
  const migratedMessage = {
    _id: new ObjectId(),
    chatId: new ObjectId(),
    senderId: u2,
    text: 'already here',
    clientMessageId: 'c-1',
    createdAt: at(20),
  };
  const migrated = {
    _id: migratedMessage.chatId,
    pairKey: pairKey(u2, u4),
    participants: sorted(u2, u4),
    lastMessage: {
      messageId: migratedMessage._id,
      text: 'already here',
      senderId: u2,
      createdAt: at(20),
    },
    lastMessageAt: at(20),
    unread: { [u4.toHexString()]: 1, [u2.toHexString()]: 0 },
    lastReadAt: { [u2.toHexString()]: at(20) },
    createdAt: at(19),
    updatedAt: at(20),
  };
  return {
    users: { u1, u2, u3, u4 },
    single,
    dupOld,
    dupNew,
    dupEmpty,
    empty,
    migrated,
    migratedMessage,
    legacy: [single, dupOld, dupNew, dupEmpty, empty],
  };
}
type Scenario = ReturnType<typeof scenario>;

const FIRST_RUN = {
  changed: 13,
  chatsMigrated: 3,
  messagesMoved: 8,
  messagesRepointed: 0,
  duplicatesMerged: 2,
  chatsSkipped: 0,
  messagesSkipped: 0,
};
/** Writes of a clean run of the scenario (claims, inserts, final updates, refreshes, deletes). */
const WRITES_IN_A_RUN = 15;
const NOTHING = {
  changed: 0,
  chatsMigrated: 0,
  messagesMoved: 0,
  messagesRepointed: 0,
  duplicatesMerged: 0,
  chatsSkipped: 0,
  messagesSkipped: 0,
};

describe('Migration 2026-11-28-chats-split-messages', () => {
  let t: TestApp;
  let db: Db;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.connection.db as unknown as Db;
  });

  afterAll(async () => {
    await t.close();
  });

  /** Drops both collections (and any index the API created), then stores the scenario. */
  async function seed(s: Scenario) {
    await db.collection('migrations').deleteMany({});
    for (const name of ['chats', 'messages']) {
      await db
        .collection(name)
        .drop()
        .catch(() => undefined);
    }
    await db.collection('chats').insertMany([...s.legacy, s.migrated] as Document[]);
    await db.collection('messages').insertOne(s.migratedMessage);
  }

  /** The exact state every complete run must end in, whatever happened before. */
  async function expectFinalState(s: Scenario) {
    const { u1, u2, u3, u4 } = s.users;
    const chats = await db
      .collection('chats')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(chats.map((c) => c._id.toHexString()).sort()).toEqual(
      [s.single, s.dupOld, s.empty, s.migrated].map((c) => c._id.toHexString()).sort(),
    );
    expect(chats.filter((c) => 'messages' in c)).toEqual([]);

    const messages = await db.collection('messages').find({}).toArray();
    expect(messages).toHaveLength(9);
    expect(new Set(messages.map((m) => m._id.toHexString())).size).toBe(9);
    const countOf = (chatId: ObjectId) => messages.filter((m) => chatId.equals(m.chatId)).length;
    expect([s.single, s.dupOld, s.empty, s.migrated].map((c) => countOf(c._id))).toEqual([
      3, 5, 0, 1,
    ]);

    // Every embedded message, once, under its survivor, with a deterministic client id.
    const expected = [
      ...s.single.messages.map((m) => ({ ...m, chatId: s.single._id })),
      ...[...s.dupOld.messages, ...s.dupNew.messages].map((m) => ({ ...m, chatId: s.dupOld._id })),
    ];
    for (const m of expected) {
      const stored = messages.find((doc) => doc._id.equals(m._id));
      expect(stored).toEqual({
        _id: m._id,
        chatId: m.chatId,
        senderId: m.senderId,
        text: m.text,
        clientMessageId: m._id.toHexString(),
        createdAt: m.createdAt,
        // Keyed by the later 2026-12-04-messages-history-key migration when the runner ran it.
        ...(stored && 'historyKey' in stored
          ? { historyKey: m.chatId.toHexString() + m._id.toHexString() }
          : {}),
      });
    }

    const chat = (id: ObjectId) => chats.find((c) => c._id.equals(id));
    const summary = (m: { _id: ObjectId; text: string; senderId: ObjectId; createdAt: Date }) => ({
      messageId: m._id,
      text: m.text,
      senderId: m.senderId,
      createdAt: m.createdAt,
    });
    const h = (id: ObjectId) => id.toHexString();

    expect(chat(s.single._id)).toEqual({
      _id: s.single._id,
      pairKey: pairKey(u1, u2),
      participants: sorted(u1, u2),
      lastMessage: summary(s.single.messages[2]),
      lastMessageAt: at(3),
      unread: { [h(u1)]: 0, [h(u2)]: 0 },
      lastReadAt: { [h(u1)]: at(3), [h(u2)]: at(3) },
      createdAt: at(0),
      updatedAt: at(3),
      __v: 0,
    });
    // The oldest chat of the pair survives; the newest message of the pair came from a duplicate.
    expect(chat(s.dupOld._id)).toMatchObject({
      pairKey: pairKey(u1, u3),
      participants: sorted(u1, u3),
      lastMessage: summary(s.dupNew.messages[1]),
      lastMessageAt: at(12),
      unread: { [h(u1)]: 0, [h(u3)]: 0 },
      lastReadAt: { [h(u1)]: at(12), [h(u3)]: at(12) },
      createdAt: at(0),
      updatedAt: at(12),
    });
    expect(chat(s.empty._id)).toEqual({
      _id: s.empty._id,
      pairKey: pairKey(u1, u4),
      participants: sorted(u1, u4),
      lastMessage: null,
      lastMessageAt: null,
      unread: { [h(u1)]: 0, [h(u4)]: 0 },
      lastReadAt: { [h(u1)]: null, [h(u4)]: null },
      createdAt: at(0),
      updatedAt: at(0),
      __v: 0,
    });
    expect(chat(s.migrated._id)).toEqual(s.migrated);
    const kept = messages.find((m) => m._id.equals(s.migratedMessage._id));
    expect(kept).toEqual({
      ...s.migratedMessage,
      ...(kept && 'historyKey' in kept
        ? {
            historyKey:
              s.migratedMessage.chatId.toHexString() + s.migratedMessage._id.toHexString(),
          }
        : {}),
    });
  }

  it('moves embedded messages, fills the chat fields, merges duplicates; a second run changes nothing', async () => {
    const s = scenario();
    await seed(s);
    expect(await chatsSplitMessages.up(db)).toEqual(FIRST_RUN);
    await expectFinalState(s);
    expect(await chatsSplitMessages.up(db)).toEqual(NOTHING);
    await expectFinalState(s);
  });

  it('runs through the runner with the other migrations and records its counts', async () => {
    const s = scenario();
    await seed(s);
    const outcomes = await new MigrationRunner(t.connection, MIGRATIONS).runPending();
    expect(outcomes.find((o) => o.id === chatsSplitMessages.id)).toEqual({
      id: chatsSplitMessages.id,
      outcome: 'applied',
      result: FIRST_RUN,
    });
    await expectFinalState(s);
  });

  it('an interruption before or after any write is finished by the next run', async () => {
    const probe = scenario();
    await seed(probe);
    const counting = crashingDb(db, 0, 'before');
    await chatsSplitMessages.up(counting.db);
    const writes = counting.writes();
    expect(writes).toBe(WRITES_IN_A_RUN);

    for (const mode of ['before', 'after'] as const) {
      for (let crashAt = 1; crashAt <= writes; crashAt += 1) {
        const s = scenario();
        await seed(s);
        await expect(chatsSplitMessages.up(crashingDb(db, crashAt, mode).db)).rejects.toThrow(
          'interrupted',
        );
        const resumed = await chatsSplitMessages.up(db);
        // Only a crash after the last write leaves nothing to do.
        expect(resumed.changed === 0).toBe(mode === 'after' && crashAt === writes);
        await expectFinalState(s);
        expect(await chatsSplitMessages.up(db)).toEqual(NOTHING);
      }
    }
  }, 120_000);

  it('finishes a half-migrated state: some messages moved, a duplicate partly re-pointed, arrays still there', async () => {
    const s = scenario();
    await seed(s);
    const { u1, u3 } = s.users;
    // An earlier run claimed the pair for the oldest chat and moved some messages, some of them
    // still under the duplicate's id, then died.
    await db
      .collection('chats')
      .updateOne(
        { _id: s.dupOld._id },
        { $set: { pairKey: pairKey(u1, u3), participants: sorted(u1, u3) } },
      );
    const moved = (m: ReturnType<typeof legacyMessage>, chatId: ObjectId) => ({
      _id: m._id,
      chatId,
      senderId: m.senderId,
      text: m.text,
      clientMessageId: m._id.toHexString(),
      createdAt: m.createdAt,
    });
    await db
      .collection('messages')
      .insertMany([
        moved(s.single.messages[0], s.single._id),
        moved(s.dupOld.messages[1], s.dupOld._id),
        moved(s.dupNew.messages[0], s.dupNew._id),
        moved(s.dupNew.messages[1], s.dupNew._id),
      ]);
    expect(await chatsSplitMessages.up(db)).toEqual({
      ...FIRST_RUN,
      changed: 13 - 4 + 2,
      messagesMoved: 8 - 4,
      messagesRepointed: 2,
    });
    await expectFinalState(s);
    expect(await chatsSplitMessages.up(db)).toEqual(NOTHING);
  });

  it('re-pointing a duplicate keeps one copy of a message the survivor already holds', async () => {
    const s = scenario();
    await seed(s);
    await db
      .collection('messages')
      .createIndex({ chatId: 1, senderId: 1, clientMessageId: 1 }, { unique: true });
    const m = s.dupNew.messages[2];
    const doc = (chatId: ObjectId, _id: ObjectId) => ({
      _id,
      chatId,
      senderId: m.senderId,
      text: m.text,
      clientMessageId: m._id.toHexString(),
      createdAt: m.createdAt,
    });
    // The message is already under the survivor, and a stray copy of it under the duplicate.
    await db
      .collection('messages')
      .insertMany([doc(s.dupOld._id, m._id), doc(s.dupNew._id, new ObjectId())]);
    expect(await chatsSplitMessages.up(db)).toEqual({
      ...FIRST_RUN,
      changed: 12,
      messagesMoved: 7,
    });
    await expectFinalState(s);
    expect(await chatsSplitMessages.up(db)).toEqual(NOTHING);
  });

  it('works through more chats than one batch', async () => {
    await db.collection('migrations').deleteMany({});
    for (const name of ['chats', 'messages']) {
      await db
        .collection(name)
        .drop()
        .catch(() => undefined);
    }
    const pairs = Array.from({ length: 60 }, () => [new ObjectId(), new ObjectId()]);
    const first = pairs.map(([a, b]) => legacyChat([a, b], [legacyMessage(a, 'x', 1)]));
    const second = pairs.map(([a, b]) =>
      legacyChat([b, a], [legacyMessage(b, 'y', 2), legacyMessage(a, 'z', 3)]),
    );
    await db.collection('chats').insertMany([...first, ...second]);
    expect(await chatsSplitMessages.up(db)).toEqual({
      ...NOTHING,
      changed: 60 + 60 + 180,
      chatsMigrated: 60,
      duplicatesMerged: 60,
      messagesMoved: 180,
    });
    const chats = await db.collection('chats').find({}).toArray();
    expect(chats.map((c) => c._id.toHexString()).sort()).toEqual(
      first.map((c) => c._id.toHexString()).sort(),
    );
    expect(chats.every((c) => c.lastMessage?.text === 'z' && !('messages' in c))).toBe(true);
    expect(await db.collection('messages').countDocuments({})).toBe(180);
    expect(await chatsSplitMessages.up(db)).toEqual(NOTHING);
  });

  it('copes with the API indexes already there: a legacy chat merges into the chat holding its pairKey', async () => {
    await db.collection('migrations').deleteMany({});
    for (const name of ['chats', 'messages']) {
      await db
        .collection(name)
        .drop()
        .catch(() => undefined);
    }
    await db.collection('chats').createIndex({ pairKey: 1 }, { unique: true });
    await db
      .collection('messages')
      .createIndex({ chatId: 1, senderId: 1, clientMessageId: 1 }, { unique: true });
    await db.collection('messages').createIndex({ chatId: 1, createdAt: -1 });

    const [u1, u5] = [new ObjectId(), new ObjectId()];
    const legacy = legacyChat(
      [u5, u1],
      [legacyMessage(u1, 'old 1', 1), legacyMessage(u5, 'old 2', 2)],
    );
    const newMessage = {
      _id: new ObjectId(),
      chatId: new ObjectId(),
      senderId: u1,
      text: 'new',
      clientMessageId: 'c-9',
      createdAt: at(30),
    };
    const holder = {
      _id: newMessage.chatId,
      pairKey: pairKey(u1, u5),
      participants: sorted(u1, u5),
      lastMessage: { messageId: newMessage._id, text: 'new', senderId: u1, createdAt: at(30) },
      lastMessageAt: at(30),
      unread: { [u5.toHexString()]: 1, [u1.toHexString()]: 0 },
      lastReadAt: {},
      createdAt: at(29),
      updatedAt: at(30),
    };
    await db.collection('chats').insertMany([legacy, holder] as Document[]);
    await db.collection('messages').insertOne(newMessage);

    // Hide the holder from the first lookup, so claiming the pairKey hits E11000 (a race).
    let hidden = false;
    const racing = new Proxy(db, {
      get(target, prop) {
        if (prop !== 'collection') {
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        }
        return (name: string) => {
          const collection = target.collection(name);
          if (name !== 'chats') return collection;
          return new Proxy(collection, {
            get(coll, method) {
              const value = Reflect.get(coll, method, coll) as (...args: unknown[]) => unknown;
              if (method === 'findOne' && !hidden) {
                return (filter: Document, ...rest: unknown[]) => {
                  if (!('pairKey' in filter)) return value.call(coll, filter, ...rest);
                  hidden = true;
                  return Promise.resolve(null);
                };
              }
              return typeof value === 'function' ? value.bind(coll) : value;
            },
          });
        };
      },
    });
    expect(await chatsSplitMessages.up(racing)).toEqual({
      ...NOTHING,
      changed: 3,
      messagesMoved: 2,
      duplicatesMerged: 1,
    });
    expect(hidden).toBe(true);
    // The holder keeps its summary and unread counts; the merged messages count as read.
    expect(await db.collection('chats').find({}).toArray()).toEqual([
      { ...holder, lastReadAt: { [u1.toHexString()]: at(2), [u5.toHexString()]: at(2) } },
    ]);
    const messages = await db
      .collection('messages')
      .find({ chatId: holder._id }, { sort: { createdAt: 1 } })
      .toArray();
    expect(messages.map((m) => [m.text, m.clientMessageId])).toEqual([
      ['old 1', legacy.messages[0]._id.toHexString()],
      ['old 2', legacy.messages[1]._id.toHexString()],
      ['new', 'c-9'],
    ]);
    expect(await chatsSplitMessages.up(db)).toEqual(NOTHING);
  });

  it('leaves malformed chats alone and drops only malformed embedded messages', async () => {
    await db.collection('migrations').deleteMany({});
    for (const name of ['chats', 'messages']) {
      await db
        .collection(name)
        .drop()
        .catch(() => undefined);
    }
    const [u1, u2] = [new ObjectId(), new ObjectId()];
    const lonely = legacyChat([u1], [legacyMessage(u1, 'echo', 1)]);
    const self = legacyChat([u1, u1], []);
    const mixed = legacyChat([u1.toHexString() as never, u2], [legacyMessage(u2, 'ok', 1)]);
    (mixed.messages as unknown[]).push(
      { senderId: u1, text: 'no id', createdAt: at(2) },
      { text: 'no sender', createdAt: at(3) },
      { senderId: u1, createdAt: at(4) },
    );
    await db.collection('chats').insertMany([lonely, self, mixed] as Document[]);
    expect(await chatsSplitMessages.up(db)).toEqual({
      ...NOTHING,
      changed: 3,
      chatsMigrated: 1,
      messagesMoved: 2,
      chatsSkipped: 2,
      messagesSkipped: 2,
    });
    const stored = await db
      .collection('messages')
      .find({ chatId: mixed._id }, { sort: { createdAt: 1 } })
      .toArray();
    expect(stored.map((m) => m.text)).toEqual(['ok', 'no id']);
    // No original _id: a deterministic one, timestamped with the message's createdAt.
    expect(stored[1].clientMessageId).toBe(stored[1]._id.toHexString());
    expect(stored[1]._id.getTimestamp()).toEqual(at(2));
    expect(await db.collection('chats').findOne({ _id: mixed._id })).toMatchObject({
      participants: sorted(u1, u2),
      lastMessage: expect.objectContaining({ text: 'no id', senderId: u1 }),
    });
    expect(await db.collection('chats').countDocuments({ messages: { $exists: true } })).toBe(2);
    expect(await chatsSplitMessages.up(db)).toEqual({ ...NOTHING, chatsSkipped: 2 });
    expect(await db.collection('messages').countDocuments({})).toBe(2);
  });
});
