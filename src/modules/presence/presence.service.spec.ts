import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import type { SessionsService } from '../auth/sessions.service';
import type { BlocksRepository } from '../blocks/blocks.repository';
import type { ConnectionsRepository } from '../connections/connections.repository';
import {
  DELIVER_EVENT,
  EVICT_EVENT,
  type Delivery,
  type PresenceServer,
  type PresenceSocket,
  type SocketData,
  userRoom,
} from './presence.events';
import { PresenceService } from './presence.service';
import type { PresenceStore } from './presence.store';

const ALICE = 'a'.repeat(24);
const BOB = 'b'.repeat(24);
const CAROL = 'c'.repeat(24);

/** A socket as the service sees it: data, rooms, emit, leave, transport close. */
class FakeSocket {
  readonly emitted: [string, unknown][] = [];
  readonly rooms = new Set<string>();
  connected = true;
  transportClosed = false;
  readonly conn = { close: () => void (this.transportClosed = true) };
  /** `disconnect(true)`: final (the client does not reconnect). */
  disconnectedForGood = false;

  constructor(
    readonly id: string,
    public data: SocketData,
    private readonly server: FakeServer,
  ) {
    this.rooms.add(id);
    if (data.userId) this.join(userRoom(data.userId));
  }

  join(room: string) {
    this.rooms.add(room);
    const members = this.server.rooms.get(room) ?? new Set<string>();
    members.add(this.id);
    this.server.rooms.set(room, members);
  }

  leave(room: string) {
    this.rooms.delete(room);
    this.server.rooms.get(room)?.delete(this.id);
  }

  emit(event: string, payload: unknown) {
    this.emitted.push([event, payload]);
    return true;
  }

  disconnect(close?: boolean) {
    this.connected = false;
    this.disconnectedForGood = close === true;
  }

  events(name: string) {
    return this.emitted.filter(([event]) => event === name).map(([, payload]) => payload);
  }
}

/** The bits of a Socket.io server the service uses: rooms, sockets, serverSideEmit. */
class FakeServer {
  readonly rooms = new Map<string, Set<string>>();
  readonly socketsById = new Map<string, FakeSocket>();
  readonly published: Delivery[] = [];
  readonly evictions: unknown[] = [];
  handler?: (delivery: Delivery) => void;
  evictHandler?: (eviction: { socketIds: string[]; limit: number }) => void;
  readonly sockets = { adapter: { rooms: this.rooms }, sockets: this.socketsById };

  on(event: string, handler: (payload: never) => void) {
    if (event === DELIVER_EVENT) this.handler = handler as (delivery: Delivery) => void;
    if (event === EVICT_EVENT) this.evictHandler = handler as FakeServer['evictHandler'];
  }

  serverSideEmit(event: string, payload: unknown) {
    if (event === DELIVER_EVENT) this.published.push(payload as Delivery);
    if (event === EVICT_EVENT) this.evictions.push(payload);
    return true;
  }

  add(id: string, data: SocketData): FakeSocket {
    const socket = new FakeSocket(id, data, this);
    this.socketsById.set(id, socket);
    return socket;
  }
}

function setUp(
  options: { revoked?: string[]; failing?: string[]; online?: string[]; attach?: boolean } = {},
) {
  const server = new FakeServer();
  const auth = {
    isSessionActive: jest.fn((sessionId: string) => {
      if (options.failing?.includes(sessionId)) return Promise.reject(new Error('db down'));
      return Promise.resolve(!options.revoked?.includes(sessionId));
    }),
  };
  const store = {
    remove: jest.fn(() => Promise.resolve(true)),
    onlineAmong: jest.fn((ids: string[]) =>
      Promise.resolve(ids.filter((id) => options.online?.includes(id))),
    ),
  };
  const connections = {
    acceptedIds: jest.fn((userId: Types.ObjectId) =>
      Promise.resolve(userId.toHexString() === ALICE ? [new Types.ObjectId(BOB)] : []),
    ),
  };
  const blocks = { of: jest.fn(() => Promise.resolve({ blocked: [], blockedBy: [] })) };
  const service = new PresenceService(
    auth as unknown as SessionsService,
    store as unknown as PresenceStore,
    connections as unknown as ConnectionsRepository,
    blocks as unknown as BlocksRepository,
  );
  if (options.attach !== false) service.attach(server as unknown as PresenceServer);
  const bound = (id: string, userId: string, sessionId: string) =>
    server.add(id, { userId, firstName: 'x', sessionId });
  return { server, service, auth, store, bound };
}

const asSocket = (socket: FakeSocket) => socket as unknown as PresenceSocket;

describe('PresenceService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('evicts sockets over the per-user cap: published to other instances; a local one is told, then disconnected for good', () => {
    const { server, service, bound } = setUp();
    const oldest = bound('s1', ALICE, 'session-1');
    const newest = bound('s2', ALICE, 'session-2');
    service.evict(['s1', 'on-another-instance'], 10);
    expect(server.evictions).toEqual([{ socketIds: ['s1', 'on-another-instance'], limit: 10 }]);
    expect(oldest.emitted).toEqual([
      [
        'connectionLimit',
        { message: 'Too many open connections for this account; this one was closed', limit: 10 },
      ],
    ]);
    expect(oldest.disconnectedForGood).toBe(true);
    expect(oldest.transportClosed).toBe(false); // not a transport close: the client must not retry
    expect(newest.connected).toBe(true);
    // Another instance's eviction reaches this one's sockets the same way.
    server.evictHandler?.({ socketIds: ['s2'], limit: 10 });
    expect(newest.disconnectedForGood).toBe(true);
    service.evict([], 10);
    expect(server.evictions).toHaveLength(1);
  });

  it('publishes each event to the other instances once and writes it to live local sockets, in order', async () => {
    const { server, service, bound } = setUp();
    const tab1 = bound('s1', ALICE, 'session-1');
    const tab2 = bound('s2', ALICE, 'session-2');
    const other = bound('s3', CAROL, 'session-3');
    service.emitToUsers([ALICE], 'userOnline', BOB);
    service.emitToUsers([ALICE], 'userOffline', BOB);
    service.notify(ALICE, { type: 'request', from: 'Bob', text: 't', targetUserId: BOB });
    await service.drained();
    for (const tab of [tab1, tab2]) {
      expect(tab.emitted.map(([event]) => event)).toEqual([
        'userOnline',
        'userOffline',
        'newNotification',
      ]);
    }
    expect(other.emitted).toEqual([]);
    expect(server.published.map((d) => d.event)).toEqual([
      'userOnline',
      'userOffline',
      'newNotification',
    ]);
  });

  it('events sent before the gateway attached the server are delivered once it does, in order', async () => {
    const { server, service, bound } = setUp({ attach: false });
    const tab = bound('s1', ALICE, 'session-1');
    service.emitToUsers([ALICE], 'userOnline', BOB);
    service.notify(ALICE, { type: 'request', from: 'Bob', text: 't', targetUserId: BOB });
    await service.drained();
    expect(tab.emitted).toEqual([]);
    service.attach(server as unknown as PresenceServer);
    await service.drained();
    expect(tab.emitted.map(([event]) => event)).toEqual(['userOnline', 'newNotification']);
    expect(server.published.map((d) => d.event)).toEqual(['userOnline', 'newNotification']);
  });

  it('delivers what other instances publish to its own sockets', async () => {
    const { server, service, bound } = setUp();
    const tab = bound('s1', BOB, 'session-1');
    server.handler!({ userIds: [BOB], event: 'userOnline', payload: ALICE });
    await service.drained();
    expect(tab.events('userOnline')).toEqual([ALICE]);
    expect(server.published).toEqual([]); // not re-published
  });

  it('a socket of a revoked session receives nothing: it is parked and its transport closed', async () => {
    const { service, store, bound } = setUp({ revoked: ['old-session'] });
    const revoked = bound('s1', ALICE, 'old-session');
    const live = bound('s2', ALICE, 'new-session');
    service.notify(ALICE, { type: 'request', from: 'Carol', text: 't', targetUserId: CAROL });
    await service.drained();
    expect(live.events('newNotification')).toHaveLength(1);
    expect(revoked.events('newNotification')).toEqual([]);
    expect(revoked.events('authRequired')).toEqual([
      { message: 'Invalid or expired access token' },
    ]);
    expect([...revoked.rooms]).toEqual(['s1']);
    expect(revoked.data.userId).toBeUndefined();
    expect(revoked.transportClosed).toBe(true);
    expect(store.remove).toHaveBeenCalledWith(ALICE, 's1');
  });

  it('when a session cannot be checked, the event is dropped and the socket kept', async () => {
    const { service, bound } = setUp({ failing: ['session-1'] });
    const tab = bound('s1', ALICE, 'session-1');
    service.emitToUsers([ALICE], 'userOnline', BOB);
    await service.drained();
    expect(tab.emitted).toEqual([]);
    expect(tab.data.userId).toBe(ALICE);
    expect(tab.transportClosed).toBe(false);
  });

  it('parked sockets are never written to, and parking twice does nothing more', async () => {
    const { service, store, bound, server } = setUp();
    const tab = bound('s1', ALICE, 'session-1');
    await service.park(asSocket(tab), 'test', false);
    await service.park(asSocket(tab), 'test', false);
    expect(tab.events('authRequired')).toHaveLength(1);
    expect(store.remove).toHaveBeenCalledTimes(1);
    tab.join(userRoom(ALICE)); // even if it were in the room again, it has no session
    service.emitToUsers([ALICE], 'userOnline', BOB);
    await service.drained();
    expect(tab.events('userOnline')).toEqual([]);
    // Parking the last socket announced the user offline to her and her connections.
    expect(server.published).toContainEqual({
      userIds: [ALICE, BOB],
      event: 'userOffline',
      payload: ALICE,
    });
  });

  it.each([
    { online: [ALICE, BOB], toAlice: [BOB], toBob: [ALICE] },
    { online: [ALICE], toAlice: [], toBob: [ALICE] },
    { online: [], toAlice: [], toBob: [] },
  ])(
    'a new connection tells each side the other is online (online: $online)',
    async ({ online, toAlice, toBob }) => {
      const { service, bound, store } = setUp({ online });
      const alice = bound('s1', ALICE, 'session-a');
      const bob = bound('s2', BOB, 'session-b');
      service.connectionAdded(ALICE, BOB);
      await store.onlineAmong.mock.results[0].value;
      await service.drained();
      expect(alice.events('userOnline')).toEqual(toAlice);
      expect(bob.events('userOnline')).toEqual(toBob);
    },
  );

  it('a removed connection sends userOffline both ways', async () => {
    const { service, bound } = setUp();
    const alice = bound('s1', ALICE, 'session-a');
    const bob = bound('s2', BOB, 'session-b');
    service.connectionRemoved(ALICE, BOB);
    await service.drained();
    expect(alice.events('userOffline')).toEqual([BOB]);
    expect(bob.events('userOffline')).toEqual([ALICE]);
  });

  it('sends nothing once stopped (shutdown)', async () => {
    const { service, server, bound } = setUp();
    const tab = bound('s1', ALICE, 'session-1');
    service.stop();
    service.emitToUsers([ALICE], 'userOnline', BOB);
    await service.drained();
    expect(server.published).toEqual([]);
    expect(tab.emitted).toEqual([]);
  });
});
