import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Response } from 'supertest';
import { ChatGateway } from '../src/modules/chat/chat.gateway';
import { ChatsRepository } from '../src/modules/chat/chats.repository';
import { MessagesRepository } from '../src/modules/chat/messages.repository';
import type {
  ChatMessageEvent,
  ClientToServerEvents,
  Notification,
} from '../src/modules/presence/presence.events';
import { PresenceService } from '../src/modules/presence/presence.service';
import { UserCache } from '../src/modules/users/user.cache';
import { givePlan } from './support/plans';
import { connectUsers, letters, signUpAndLogIn, UserSession } from './support/session';
import { TestSocket } from './support/sockets';
import { createTestApp, TestApp, uniqueNamespace } from './support/test-app';

type ChatEvent = Exclude<keyof ClientToServerEvents, 'register'>;

/** Any chat acknowledgement, flattened for assertions (each test reads the fields it expects). */
interface AnyAck {
  ok: boolean;
  error: string;
  message: ChatMessageEvent;
  chatId: string | null;
  canSend: boolean;
  readAt: string;
}

/** Emits a chat event with an acknowledgement callback and resolves with the answer. */
function ask(socket: TestSocket, event: ChatEvent, payload: unknown): Promise<AnyAck> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5000);
    (socket.socket.emit as (...args: unknown[]) => void)(event, payload, (answer: unknown) => {
      clearTimeout(timer);
      resolve(answer as AnyAck);
    });
  });
}

let fences = 0;

/**
 * Sends a marker `newNotification` to a user's sockets from `app` and waits until `tabs` have it.
 * It is written after everything `app` sent them before the call: on `app` itself room emits are
 * synchronous and presence deliveries drain in order; to another instance it is published after
 * them on `app`'s one Redis publisher, then goes through that instance's ordered drain. So once it
 * is in, a wrong event `app` emitted earlier would be in too.
 */
async function fence(app: TestApp, userId: string, ...tabs: TestSocket[]): Promise<Notification> {
  const marker: Notification = {
    type: 'message',
    from: 'fence',
    text: `fence-${++fences}`,
    targetUserId: userId,
  };
  app.app.get(PresenceService).notify(userId, marker);
  for (const tab of tabs) await tab.waitFor('newNotification', (n) => n.text === marker.text);
  return marker;
}

/** Two API instances sharing the database and Redis, like two replicas behind a balancer. */
describe('Chat across API instances', () => {
  let one: TestApp;
  let two: TestApp;
  let alice: UserSession;
  let bob: UserSession;
  let carol: UserSession;
  const sockets: TestSocket[] = [];

  const open = async (app: TestApp, session?: UserSession) => {
    const socket = await TestSocket.connect(app.url, session?.cookieHeader());
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    const namespace = uniqueNamespace('chat');
    one = await createTestApp({ namespace, listen: true, keepData: true });
    two = await createTestApp({ namespace, listen: true });
    alice = await signUpAndLogIn(one, { firstName: 'Alice', lastName: 'Arden' });
    await givePlan(one, alice.id, 'PRO'); // read receipts are a PRO/ELITE entitlement
    bob = await signUpAndLogIn(one, { firstName: 'Bobby' });
    carol = await signUpAndLogIn(one, { firstName: 'Carol' });
    await connectUsers(alice, bob);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await one.close();
    await two.close();
  });

  it('story: join, send both ways, notifications, unread counts, read receipts, typing', async () => {
    const aliceTab = await open(one, alice);
    const bobTab = await open(two, bob);
    // Opening the conversation creates nothing.
    const empty = await alice.get(`/chat/${bob.id}`).expect(200);
    expect(empty.body.data).toMatchObject({ _id: null, messages: [], canSend: true });
    expect((await bob.get('/chat/recent').expect(200)).body.data).toEqual([]);

    // The SPA's payload: its own userId/firstName are ignored.
    const join = { targetUserId: bob.id, userId: carol.id, firstName: 'Mallory' };
    expect(await ask(aliceTab, 'joinChat', join)).toEqual({
      ok: true,
      chatId: null,
      canSend: true,
    });
    expect(await ask(bobTab, 'joinChat', { targetUserId: alice.id })).toMatchObject({ ok: true });

    const ack = await ask(aliceTab, 'sendMessage', {
      targetUserId: bob.id,
      text: '  hi Bob  ',
      userId: carol.id,
      firstName: 'Mallory',
      clientMessageId: 'c-1',
    });
    expect(ack.ok).toBe(true);
    const message = ack.message;
    expect(message).toMatchObject({
      senderId: alice.id,
      firstName: 'Alice',
      lastName: 'Arden',
      text: 'hi Bob',
      clientMessageId: 'c-1',
    });
    for (const tab of [aliceTab, bobTab]) {
      expect(await tab.waitFor('messageReceived', (m) => m._id === message._id)).toEqual(message);
    }
    expect(await bobTab.waitFor('newNotification')).toEqual({
      type: 'message',
      from: 'Alice',
      text: 'hi Bob',
      targetUserId: alice.id,
    });
    expect((await bob.get('/chat/unread').expect(200)).body.data).toEqual({
      total: 1,
      conversations: 1,
    });
    const recent = await bob.get('/chat/recent').expect(200);
    expect(recent.body.data).toEqual([
      {
        chatId: message.chatId,
        userId: alice.id,
        firstName: 'Alice',
        lastName: 'Arden',
        lastMessage: 'hi Bob',
        lastMessageAt: message.createdAt,
        unreadCount: 1,
      },
    ]);
    expect(recent.body.pagination).toEqual({ hasMore: false, nextBefore: null });

    // Bob answers without an ack (the SPA's way).
    bobTab.emit('sendMessage', { targetUserId: alice.id, text: 'hey Alice' });
    const reply = await aliceTab.waitFor('messageReceived', (m) => m.text === 'hey Alice');
    expect(reply.senderId).toBe(bob.id);
    await bobTab.waitFor('messageReceived', (m) => m.text === 'hey Alice');
    expect((await alice.get('/chat/unread').expect(200)).body.data.total).toBe(1);

    // Typing reaches the other participant only.
    bobTab.emit('typing', { targetUserId: alice.id, isTyping: true });
    expect(await aliceTab.waitFor('userTyping')).toEqual({ userId: bob.id, isTyping: true });
    await fence(two, bob.id, bobTab); // the relay was emitted on two, Bob's instance
    expect(bobTab.of('userTyping')).toEqual([]);

    // Read: counts reset, the other side gets a receipt.
    expect(await ask(bobTab, 'markRead', { targetUserId: alice.id })).toMatchObject({
      ok: true,
      chatId: message.chatId,
    });
    const receipt = await aliceTab.waitFor('messagesRead');
    expect(receipt).toMatchObject({ chatId: message.chatId, readerId: bob.id });
    expect((await bob.get('/chat/unread').expect(200)).body.data).toEqual({
      total: 0,
      conversations: 0,
    });
    await alice.post(`/chat/${bob.id}/read`).expect(200);
    expect((await alice.get('/chat/unread').expect(200)).body.data.total).toBe(0);

    // Each message arrived once on each side.
    for (const tab of [aliceTab, bobTab]) expect(tab.of('messageReceived')).toHaveLength(2);
    const history = await alice.get(`/chat/${bob.id}`).expect(200);
    expect(history.body.data.messages.map((m: { text: string }) => m.text)).toEqual([
      'hi Bob',
      'hey Alice',
    ]);
    expect(history.body.data.messages[0].senderId).toEqual({
      _id: alice.id,
      firstName: 'Alice',
      lastName: 'Arden',
    });
  });

  it('a retried clientMessageId stores one message and acks the original', async () => {
    const tab = await open(one, alice);
    const bobTab = await open(two, bob);
    await ask(bobTab, 'joinChat', { targetUserId: alice.id });
    const payload = { targetUserId: bob.id, text: 'once', clientMessageId: 'retry-1' };
    const [first, second] = await Promise.all([
      ask(tab, 'sendMessage', payload),
      ask(tab, 'sendMessage', payload),
    ]);
    const third = await ask(tab, 'sendMessage', { ...payload, text: 'changed' });
    expect(first.ok && second.ok && third.ok).toBe(true);
    expect(second.message._id).toBe(first.message._id);
    expect(third.message).toEqual(first.message);
    const stored = await one.connection
      .collection('messages')
      .countDocuments({ clientMessageId: 'retry-1' });
    expect(stored).toBe(1);
    await fence(one, bob.id, bobTab); // every send (and any duplicate emit) ran on one
    expect(
      bobTab.of('messageReceived').filter((m) => m.clientMessageId === 'retry-1'),
    ).toHaveLength(1);
  });

  it('history pages back through a conversation spread over months (bursts and silences) without gaps or repeats', async () => {
    const frank = await signUpAndLogIn(one, { firstName: 'Frank' });
    const gina = await signUpAndLogIn(one, { firstName: 'Gina' });
    await connectUsers(frank, gina);
    const [f, g] = [new Types.ObjectId(frank.id), new Types.ObjectId(gina.id)];
    const chat = await one.app.get(ChatsRepository).findOrCreate(f, g);
    // Ids carry their send time, as the API writes them: bursts of many in one second, minutes,
    // then days of silence; the newest burst is shorter than a page.
    const now = Math.floor(Date.now() / 1000);
    const gaps = [0, 0, 0, 1, 2, 7, 60, 600, 3600, 86_400, 7 * 86_400];
    const times: number[] = [];
    for (let i = 0, t = now - 200 * 86_400; i < 420; i++) {
      t += gaps[(i * 7 + Math.floor(i / 13)) % gaps.length];
      times.push(Math.min(t, now - 1));
    }
    const docs = times.map((t, i) => {
      // The send second, then a counter: unique and increasing within a second.
      const id = new Types.ObjectId(
        t.toString(16).padStart(8, '0') + (i + 1).toString(16).padStart(16, '0'),
      );
      return {
        _id: id,
        chatId: chat._id,
        senderId: i % 2 ? f : g,
        text: `s${i}`,
        clientMessageId: id.toHexString(),
        createdAt: new Date(t * 1000),
      };
    });
    await one.connection.collection('messages').insertMany(docs);
    const last = docs[docs.length - 1];
    await one.connection.collection('chats').updateOne(
      { _id: chat._id },
      {
        $set: {
          lastMessage: {
            messageId: last._id,
            senderId: last.senderId,
            text: last.text,
            createdAt: last.createdAt,
          },
          lastMessageAt: last.createdAt,
          createdAt: new Date((times[0] - 1) * 1000),
        },
      },
    );
    // The stored count only chooses how pages are read (one query, or windows sized from it):
    // unknown, the true one, and counts that make the chat look large, denser or sparser.
    for (const messageCount of [undefined, docs.length, 1001, 50_000]) {
      await one.connection
        .collection('chats')
        .updateOne(
          { _id: chat._id },
          messageCount === undefined ? { $unset: { messageCount: 1 } } : { $set: { messageCount } },
        );
      for (const limit of [50, 7]) {
        const seen: string[] = [];
        let before: string | null = null;
        do {
          const res: Response = await frank
            .get(`/chat/${gina.id}?limit=${limit}${before ? `&before=${before}` : ''}`)
            .expect(200);
          const page = (res.body.data.messages as { text: string }[]).map((m) => m.text);
          expect(page.length === limit || res.body.data.pagination.hasMore === false).toBe(true);
          seen.unshift(...page);
          before = res.body.data.pagination.nextBefore;
        } while (before);
        expect(seen).toEqual(docs.map((d) => d.text));
      }
    }
  });

  it('story: history pages back through a 1,000-message conversation without gaps or repeats', async () => {
    const dave = await signUpAndLogIn(one, { firstName: 'David' });
    const erin = await signUpAndLogIn(one, { firstName: 'Erin' });
    await connectUsers(dave, erin);
    const chats = one.app.get(ChatsRepository);
    const messages = one.app.get(MessagesRepository);
    const [d, e] = [new Types.ObjectId(dave.id), new Types.ObjectId(erin.id)];
    const chat = await chats.findOrCreate(d, e);
    // Seeded through the repositories (the send path minus the socket and its rate limit), both
    // ways, 25 at a time: the summary updates race like concurrent sends do.
    const total = 1000;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const sender = i % 2 ? d : e;
        const { message } = await messages.insert({
          chatId: chat._id,
          senderId: sender,
          text: `m${i}`,
        });
        await chats.recordMessage(message, sender.equals(d) ? e : d, true);
      }
    };
    // FerretDB 1.24 on SQLite (the last-resort test engine) applies concurrent `$inc`s on one
    // document as read-modify-write and loses some; MongoDB and FerretDB v2 do not.
    const racers = process.env.TEST_MONGODB_KIND === 'ferretdb-sqlite' ? 1 : 25;
    await Promise.all(Array.from({ length: racers }, worker));
    // The newest message also arrives the real way, across instances.
    const [daveTab, erinTab] = [await open(one, dave), await open(two, erin)];
    await ask(erinTab, 'joinChat', { targetUserId: dave.id });
    const live = await ask(daveTab, 'sendMessage', { targetUserId: erin.id, text: 'live' });
    expect(live.ok).toBe(true);
    await erinTab.waitFor('messageReceived', (m) => m._id === live.message._id);

    // Default page: the newest 50.
    const first = await erin.get(`/chat/${dave.id}`).expect(200);
    expect(first.body.data.messages).toHaveLength(50);
    expect(first.body.data.messages[49]._id).toBe(live.message._id);
    expect(first.body.data.pagination.hasMore).toBe(true);

    const seen: { _id: string; text: string; sender: string }[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const res: Response = await dave
        .get(`/chat/${erin.id}?limit=100${before ? `&before=${before}` : ''}`)
        .expect(200);
      const page = res.body.data.messages as {
        _id: string;
        text: string;
        senderId: { _id: string };
      }[];
      const ids = page.map((m) => m._id);
      expect([...ids].sort()).toEqual(ids); // oldest → newest within a page
      seen.unshift(...page.map((m) => ({ _id: m._id, text: m.text, sender: m.senderId._id })));
      before = res.body.data.pagination.nextBefore;
      expect(res.body.data.pagination.hasMore).toBe(before !== null);
      if (before) expect(before).toBe(ids[0]);
      pages++;
    } while (before);
    expect(pages).toBe(11); // 1,001 messages, 100 a page
    const ids = seen.map((m) => m._id);
    expect(ids).toHaveLength(total + 1);
    expect(new Set(ids).size).toBe(total + 1);
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    // No gaps: every seeded message, in the order it was sent, then the live one.
    expect(seen.map((m) => m.text)).toEqual([
      ...Array.from({ length: total }, (_, i) => `m${i}`),
      'live',
    ]);
    expect(seen[0].sender).toBe(erin.id);
    expect(seen[1].sender).toBe(dave.id);
    expect(await one.connection.collection('messages').countDocuments({ chatId: chat._id })).toBe(
      total + 1,
    );
    // Past the oldest: an empty last page.
    const end = await dave.get(`/chat/${erin.id}?before=${ids[0]}`).expect(200);
    expect(end.body.data.messages).toEqual([]);
    expect(end.body.data.pagination).toEqual({ hasMore: false, nextBefore: null });

    const summary = await chats.findByPair(d, e);
    expect(summary?.lastMessage?.messageId.toHexString()).toBe(live.message._id);
    expect(summary?.lastMessage?.text).toBe('live');
    expect(summary?.unread[dave.id]).toBe(total / 2);
    expect(summary?.unread[erin.id]).toBe(total / 2 + 1);
    expect(summary?.messageCount).toBe(total + 1);
    expect((await erin.get('/chat/unread').expect(200)).body.data).toEqual({
      total: total / 2 + 1,
      conversations: 1,
    });
    await dave.get(`/chat/${erin.id}?limit=101`).expect(400);
    await dave.get(`/chat/${erin.id}?limit=0`).expect(400);
    await dave.get(`/chat/${erin.id}?before=nope`).expect(400);
  }, 30_000);

  it('concurrent first messages of a pair end in one chat', async () => {
    const fay = await signUpAndLogIn(one, { firstName: 'Fay' });
    const gus = await signUpAndLogIn(one, { firstName: 'Gus' });
    await connectUsers(fay, gus);
    const [fayTab, gusTab] = [await open(one, fay), await open(two, gus)];
    const answers = await Promise.all([
      ask(fayTab, 'sendMessage', { targetUserId: gus.id, text: 'first!' }),
      ask(gusTab, 'sendMessage', { targetUserId: fay.id, text: 'no, me!' }),
      ask(fayTab, 'sendMessage', { targetUserId: gus.id, text: 'again' }),
    ]);
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(new Set(answers.map((a) => a.message.chatId)).size).toBe(1);
    const pairKey = [fay.id, gus.id].sort().join('_');
    expect(await one.connection.collection('chats').countDocuments({ pairKey })).toBe(1);
    const recent = await fay.get('/chat/recent').expect(200);
    expect(recent.body.data).toHaveLength(1);
  });

  it('/chat/recent pages by cursor, newest activity first', async () => {
    const hub = await signUpAndLogIn(one, { firstName: 'Hub' });
    const hubTab = await open(one, hub);
    const friends: UserSession[] = [];
    for (let i = 0; i < 5; i++) {
      const friend = await signUpAndLogIn(one, { firstName: `Friend${letters(i)}` });
      await connectUsers(hub, friend);
      friends.push(friend);
      expect(
        (await ask(hubTab, 'sendMessage', { targetUserId: friend.id, text: `to ${i}` })).ok,
      ).toBe(true);
    }
    const names: string[] = [];
    let before: string | null = null;
    do {
      const res: Response = await hub
        .get(`/chat/recent?limit=2${before ? `&before=${before}` : ''}`)
        .expect(200);
      names.push(...res.body.data.map((c: { firstName: string }) => c.firstName));
      before = res.body.pagination.nextBefore;
    } while (before);
    expect(names).toEqual(['FriendE', 'FriendD', 'FriendC', 'FriendB', 'FriendA']);
    await hub.get('/chat/recent?limit=51').expect(400);
    await hub.get('/chat/recent?before=abc').expect(400);
  });

  describe('authorization', () => {
    it('HTTP: bad id 400, unknown user 404, yourself and non-connections 403', async () => {
      expect((await alice.get('/chat/nope').expect(400)).body.message).toBe('Invalid userId');
      expect(
        (await alice.get(`/chat/${new Types.ObjectId().toHexString()}`).expect(404)).body.message,
      ).toBe('User not found');
      expect((await alice.get(`/chat/${alice.id}`).expect(403)).body.message).toBe(
        'You cannot chat with yourself',
      );
      expect((await carol.get(`/chat/${alice.id}`).expect(403)).body.message).toBe(
        'You can only chat with your connections',
      );
      await carol.post(`/chat/${alice.id}/read`).expect(403);
      await carol.get('/chat/recent').expect(200);
    });

    it('sockets: a non-connection cannot join or send; forged ids are ignored; foreign rooms stay closed', async () => {
      const aliceTab = await open(one, alice);
      const bobTab = await open(two, bob);
      const carolTab = await open(one, carol);
      await ask(aliceTab, 'joinChat', { targetUserId: bob.id });
      await ask(bobTab, 'joinChat', { targetUserId: alice.id });
      // Carol names Bob as herself and Alice as the target: still Carol, still refused.
      const join = await ask(carolTab, 'joinChat', { targetUserId: alice.id, userId: bob.id });
      expect(join).toEqual({ ok: false, error: 'You can only chat with your connections' });
      const send = await ask(carolTab, 'sendMessage', {
        targetUserId: alice.id,
        text: 'let me in',
        userId: bob.id,
      });
      expect(send).toEqual({ ok: false, error: 'You can only chat with your connections' });
      carolTab.emit('sendMessage', { targetUserId: alice.id, text: 'no ack' });
      expect(await carolTab.waitFor('chatError')).toEqual({
        event: 'sendMessage',
        message: 'You can only chat with your connections',
      });
      // Alice and Bob talk; Carol hears nothing of it.
      const ack = await ask(aliceTab, 'sendMessage', { targetUserId: bob.id, text: 'secret' });
      await bobTab.waitFor('messageReceived', (m) => m._id === ack.message._id);
      // Alice's send, its room emit and its notification all ran on one.
      const marker = await fence(one, carol.id, carolTab);
      expect(carolTab.of('messageReceived')).toEqual([]);
      expect(carolTab.of('newNotification')).toEqual([marker]);
    });

    it('a socket may send before joining (membership is checked on every send)', async () => {
      const bobTab = await open(two, bob);
      await ask(bobTab, 'joinChat', { targetUserId: alice.id });
      const fresh = await open(one, alice);
      const ack = await ask(fresh, 'sendMessage', { targetUserId: bob.id, text: 'no join' });
      expect(ack.ok).toBe(true);
      await bobTab.waitFor('messageReceived', (m) => m._id === ack.message._id);
      // Typing needs the room.
      expect(await ask(fresh, 'typing', { targetUserId: bob.id, isTyping: true })).toEqual({
        ok: false,
        error: 'Join this chat (joinChat) before sending typing indicators',
      });
    });

    it('joining another chat leaves the previous room', async () => {
      const hal = await signUpAndLogIn(one, { firstName: 'Hal' });
      await connectUsers(alice, hal);
      const aliceTab = await open(one, alice);
      const bobTab = await open(two, bob);
      await ask(aliceTab, 'joinChat', { targetUserId: bob.id });
      await ask(aliceTab, 'joinChat', { targetUserId: hal.id });
      const ack = await ask(bobTab, 'sendMessage', { targetUserId: alice.id, text: 'elsewhere' });
      expect(ack.ok).toBe(true);
      await fence(two, alice.id, aliceTab); // Bob's send ran on two
      expect(aliceTab.of('messageReceived').map((m) => m.text)).not.toContain('elsewhere');
      await aliceTab.waitFor('newNotification', (n) => n.text === 'elsewhere');
    });

    it('a parked socket is refused with Authentication Required', async () => {
      const parked = await open(one);
      expect(await ask(parked, 'sendMessage', { targetUserId: bob.id, text: 'x' })).toEqual({
        ok: false,
        error: 'Authentication Required',
      });
      parked.emit('joinChat', { targetUserId: bob.id });
      expect(await parked.waitFor('chatError')).toEqual({
        event: 'joinChat',
        message: 'Authentication Required',
      });
    });

    it('malformed payloads get an error, never a crash', async () => {
      const tab = await open(one, alice);
      const cases: [ChatEvent, unknown][] = [
        ['sendMessage', 'just a string'],
        ['sendMessage', null],
        ['sendMessage', [bob.id, 'hi']],
        ['sendMessage', { targetUserId: { $ne: null }, text: 'x' }],
        ['sendMessage', { targetUserId: bob.id, text: { $gt: '' } }],
        // Over the 2,000-character limit, under the 16 KB frame limit (a bigger frame closes the
        // connection: socket-limits.e2e-spec.ts).
        ['sendMessage', { targetUserId: bob.id, text: 'x'.repeat(10_000) }],
        ['sendMessage', { targetUserId: bob.id, text: '   ' }],
        ['sendMessage', { targetUserId: bob.id, text: 'x', extra: 1 }],
        ['sendMessage', { targetUserId: bob.id, text: 'x', clientMessageId: { a: 1 } }],
        ['joinChat', 42],
        ['joinChat', { targetUserId: 'not-an-id' }],
        ['markRead', undefined],
        ['typing', { targetUserId: bob.id, isTyping: 'yes' }],
      ];
      for (const [event, payload] of cases) {
        const answer = await ask(tab, event, payload);
        expect({ event, payload, ok: answer.ok, error: typeof answer.error }).toEqual({
          event,
          payload,
          ok: false,
          error: 'string',
        });
      }
      (tab.socket.emit as (...args: unknown[]) => void)('sendMessage');
      expect(await tab.waitFor('chatError')).toMatchObject({ event: 'sendMessage' });
      expect(tab.socket.connected).toBe(true);
    });

    it('after the connection is removed the history stays readable but sending is refused', async () => {
      const ivy = await signUpAndLogIn(one, { firstName: 'Ivy' });
      const jon = await signUpAndLogIn(one, { firstName: 'Jon' });
      await connectUsers(ivy, jon);
      const tab = await open(one, ivy);
      expect((await ask(tab, 'sendMessage', { targetUserId: jon.id, text: 'bye?' })).ok).toBe(true);
      await jon.delete(`/request/connection/${ivy.id}`).expect(200);
      const history = await ivy.get(`/chat/${jon.id}`).expect(200);
      expect(history.body.data).toMatchObject({ canSend: false });
      expect(history.body.data.messages).toHaveLength(1);
      const refused = await ask(tab, 'sendMessage', { targetUserId: jon.id, text: 'hello?' });
      expect(refused).toEqual({
        ok: false,
        error:
          'You are no longer connected with this user: you can read this conversation but not send messages',
      });
      expect(await ask(tab, 'joinChat', { targetUserId: jon.id })).toEqual({
        ok: true,
        chatId: history.body.data.chatId,
        canSend: false,
      });
      await jon.post(`/chat/${ivy.id}/read`).expect(200);
    });

    it('a refused joinChat still leaves the previous room (M9)', async () => {
      const aliceTab = await open(one, alice);
      const bobTab = await open(two, bob);
      await ask(aliceTab, 'joinChat', { targetUserId: bob.id });
      // The SPA opens Carol's profile chat: refused, and Bob's messages must not show there.
      expect(await ask(aliceTab, 'joinChat', { targetUserId: carol.id })).toMatchObject({
        ok: false,
      });
      const ack = await ask(bobTab, 'sendMessage', { targetUserId: alice.id, text: 'wrong view' });
      expect(ack.ok).toBe(true);
      await aliceTab.waitFor('newNotification', (n) => n.text === 'wrong view');
      // Bob's send ran on two; its notification was published before its room emit, so it is no
      // fence for it.
      await fence(two, alice.id, aliceTab);
      expect(aliceTab.of('messageReceived')).toEqual([]);
      // A malformed join leaves it too; a typing indicator then needs a new join.
      await ask(aliceTab, 'joinChat', { targetUserId: bob.id });
      expect(await ask(aliceTab, 'joinChat', { targetUserId: 'nope' })).toMatchObject({
        ok: false,
      });
      expect(await ask(aliceTab, 'typing', { targetUserId: bob.id, isTyping: true })).toMatchObject(
        { ok: false, error: 'Join this chat (joinChat) before sending typing indicators' },
      );
    });

    it('forged ids in markRead and typing payloads are ignored', async () => {
      const aliceTab = await open(one, alice);
      const bobTab = await open(two, bob);
      const carolTab = await open(one, carol);
      await ask(aliceTab, 'joinChat', { targetUserId: bob.id });
      await ask(bobTab, 'joinChat', { targetUserId: alice.id, userId: carol.id });
      const typing = { targetUserId: bob.id, isTyping: true, userId: carol.id, firstName: 'C' };
      expect(await ask(aliceTab, 'typing', typing)).toEqual({ ok: true });
      expect(await bobTab.waitFor('userTyping')).toEqual({ userId: alice.id, isTyping: true });
      const read = await ask(bobTab, 'markRead', { targetUserId: alice.id, userId: carol.id });
      expect(read.ok).toBe(true);
      expect(await aliceTab.waitFor('messagesRead')).toMatchObject({
        chatId: read.chatId,
        readerId: bob.id,
      });
      // The receipt was emitted on two (Bob's markRead), the typing relay on one before Alice's
      // ack: a fence from two reaches Carol after both.
      await fence(two, carol.id, carolTab);
      expect(carolTab.of('userTyping')).toEqual([]);
      expect(carolTab.of('messagesRead')).toEqual([]);
    });

    it('typing: only the other participant in that chat room, throttled, never stored', async () => {
      const mia = await signUpAndLogIn(one, { firstName: 'Mia' });
      const ned = await signUpAndLogIn(one, { firstName: 'Ned' });
      await connectUsers(mia, ned);
      const miaTab = await open(one, mia);
      const miaOther = await open(two, mia);
      const nedInRoom = await open(two, ned);
      const nedElsewhere = await open(one, ned);
      await ask(miaTab, 'joinChat', { targetUserId: ned.id });
      await ask(miaOther, 'joinChat', { targetUserId: ned.id });
      await ask(nedInRoom, 'joinChat', { targetUserId: mia.id });
      const before = await Promise.all(
        ['chats', 'messages'].map((c) => one.connection.collection(c).countDocuments()),
      );
      for (let i = 0; i < 3; i++) {
        expect(await ask(miaTab, 'typing', { targetUserId: ned.id, isTyping: true })).toEqual({
          ok: true,
        });
      }
      await ask(miaTab, 'typing', { targetUserId: ned.id, isTyping: false });
      await nedInRoom.waitFor('userTyping', (t) => !t.isTyping);
      // Every relay was emitted on one, Mia's instance.
      await fence(one, mia.id, miaTab, miaOther);
      await fence(one, ned.id, nedInRoom, nedElsewhere);
      // Three "typing" within a second relay once; "stopped" always passes.
      expect(nedInRoom.of('userTyping')).toEqual([
        { userId: mia.id, isTyping: true },
        { userId: mia.id, isTyping: false },
      ]);
      expect(nedElsewhere.of('userTyping')).toEqual([]);
      expect(miaOther.of('userTyping')).toEqual([]);
      expect(miaTab.of('userTyping')).toEqual([]);
      const after = await Promise.all(
        ['chats', 'messages'].map((c) => one.connection.collection(c).countDocuments()),
      );
      expect(after).toEqual(before);
    });

    it('POST /chat/:id/read sends a read receipt; opening or reading an empty chat stores nothing', async () => {
      const oli = await signUpAndLogIn(one, { firstName: 'Oli' });
      await givePlan(one, oli.id, 'ELITE'); // read receipts are a PRO/ELITE entitlement
      const pat = await signUpAndLogIn(one, { firstName: 'Pat' });
      await connectUsers(oli, pat);
      const pairKey = [oli.id, pat.id].sort().join('_');
      const chats = one.connection.collection('chats');
      expect((await oli.post(`/chat/${pat.id}/read`).expect(200)).body.data).toMatchObject({
        chatId: null,
      });
      await oli.get(`/chat/${pat.id}`).expect(200);
      const [oliTab, patTab] = [await open(one, oli), await open(two, pat)];
      await ask(oliTab, 'joinChat', { targetUserId: pat.id });
      expect(await ask(oliTab, 'markRead', { targetUserId: pat.id })).toMatchObject({
        ok: true,
        chatId: null,
      });
      expect(await chats.countDocuments({ pairKey })).toBe(0);
      await fence(one, pat.id, patTab); // both empty reads ran on one
      expect(patTab.of('messagesRead')).toEqual([]);

      const sent = await ask(oliTab, 'sendMessage', { targetUserId: pat.id, text: 'read me' });
      expect((await pat.get('/chat/unread').expect(200)).body.data.total).toBe(1);
      const read = await pat.post(`/chat/${oli.id}/read`).expect(200);
      expect(read.body.data.chatId).toBe(sent.message.chatId);
      expect(await oliTab.waitFor('messagesRead')).toEqual({
        chatId: sent.message.chatId,
        readerId: pat.id,
        readAt: read.body.data.readAt,
      });
      expect((await pat.get('/chat/unread').expect(200)).body.data).toEqual({
        total: 0,
        conversations: 0,
      });
      const stored = await chats.findOne({ pairKey });
      expect(stored?.lastReadAt[pat.id]?.toISOString()).toBe(read.body.data.readAt);
      expect(stored?.unread).toEqual({ [oli.id]: 0, [pat.id]: 0 });
    });

    it.each(['FREE', 'PRO', 'ELITE'] as const)(
      'read receipts reach a %s sender only on a paid plan; the reader’s unread resets on every plan',
      async (plan) => {
        const sender = await signUpAndLogIn(one, { firstName: 'Sender' });
        const reader = await signUpAndLogIn(one, { firstName: 'Reader' });
        if (plan !== 'FREE') await givePlan(one, sender.id, plan);
        await connectUsers(sender, reader);
        const senderTab = await open(one, sender);
        const sent = await ask(senderTab, 'sendMessage', { targetUserId: reader.id, text: 'hi' });
        expect((await reader.get('/chat/unread').expect(200)).body.data.total).toBe(1);
        const read = await reader.post(`/chat/${sender.id}/read`).expect(200);
        expect(read.body.data.chatId).toBe(sent.message.chatId);
        expect((await reader.get('/chat/unread').expect(200)).body.data.total).toBe(0);
        if (plan === 'FREE') {
          await fence(one, sender.id, senderTab); // the read ran on one
          expect(senderTab.of('messagesRead')).toEqual([]);
        } else {
          expect(await senderTab.waitFor('messagesRead')).toEqual({
            chatId: sent.message.chatId,
            readerId: reader.id,
            readAt: read.body.data.readAt,
          });
        }
      },
    );

    it('/chat/recent keeps conversations with deleted users, shown as a deleted user', async () => {
      const quinn = await signUpAndLogIn(one, { firstName: 'Quinn' });
      const [ray, sam] = [
        await signUpAndLogIn(one, { firstName: 'Ray' }),
        await signUpAndLogIn(one, { firstName: 'Sam' }),
      ];
      await connectUsers(quinn, ray);
      await connectUsers(quinn, sam);
      const tab = await open(one, quinn);
      for (const friend of [ray, sam]) {
        const ack = await ask(tab, 'sendMessage', { targetUserId: friend.id, text: 'hi' });
        expect(ack.ok).toBe(true);
      }
      await one.connection.collection('users').deleteOne({ _id: new Types.ObjectId(sam.id) });
      await one.app.get(UserCache).invalidate(sam.id); // deleted outside the API (it has no route)
      const recent = await quinn.get('/chat/recent').expect(200);
      const rows = recent.body.data as { userId: string; firstName: string }[];
      expect(rows.map((c) => c.userId).sort()).toEqual([ray.id, sam.id].sort());
      expect(rows.find((c) => c.userId === sam.id)).toMatchObject({
        firstName: 'Deleted',
        lastName: 'user',
        deleted: true,
      });
    });

    it('a chat room is the same on every instance and not computable from the public ids', async () => {
      const rooms = [one, two].map((app) => app.app.get(ChatGateway).chatRoom(alice.id, bob.id));
      expect(rooms[1]).toBe(rooms[0]);
      expect(one.app.get(ChatGateway).chatRoom(bob.id, alice.id)).toBe(rooms[0]);
      const pairKey = [alice.id, bob.id].sort().join('_');
      const contractRoom = createHash('sha256').update(pairKey).digest('hex');
      expect(rooms[0]).not.toContain(contractRoom);
      expect(rooms[0]).not.toContain(alice.id);
      expect(rooms[0]).not.toContain(bob.id);
      // Joined only after the check, seen from the other instance through the Redis adapter.
      const aliceTab = await open(one, alice);
      const members = () => two.app.get(ChatGateway).server.in(rooms[0]).fetchSockets();
      expect((await members()).map((s) => s.id)).not.toContain(aliceTab.socket.id);
      await ask(aliceTab, 'joinChat', { targetUserId: bob.id });
      expect((await members()).map((s) => s.id)).toContain(aliceTab.socket.id);
    });

    it('an event with only an acknowledgement callback is answered with an error', async () => {
      const tab = await open(one, alice);
      const answer = await new Promise<AnyAck>((resolve) =>
        (tab.socket.emit as (...args: unknown[]) => void)('sendMessage', resolve),
      );
      expect(answer).toEqual({ ok: false, error: 'The payload must be an object' });
    });

    it('sends are rate limited per user across instances (20 per 10 s)', async () => {
      const kim = await signUpAndLogIn(one, { firstName: 'Kim' });
      const lee = await signUpAndLogIn(one, { firstName: 'Lee' });
      await connectUsers(kim, lee);
      const [tabOne, tabTwo] = [await open(one, kim), await open(two, kim)];
      const answers = [];
      for (let i = 0; i < 21; i++) {
        const tab = i % 2 ? tabTwo : tabOne;
        answers.push(await ask(tab, 'sendMessage', { targetUserId: lee.id, text: `n${i}` }));
      }
      expect(answers.slice(0, 20).every((a) => a.ok)).toBe(true);
      expect(answers[20]).toEqual({
        ok: false,
        error: 'You are sending messages too fast. Wait a few seconds and try again',
      });
    });
  });
});
