import type { Db } from 'mongodb';
import { Types } from 'mongoose';
import request from 'supertest';
import { usersSkillsKey } from '../src/modules/migrations/scripts/2026-11-28-users-skillskey';
import { givePlan } from './support/plans';
import { letters, signUpAndLogIn, UserSession } from './support/session';
import { PresenceService } from '../src/modules/presence/presence.service';
import { TestSocket } from './support/sockets';
import { createTestApp, TestApp } from './support/test-app';

/** Discovery → request → live notification → accept → connections, with real sockets. */
describe('Social story: feed, requests, connections and live notifications', () => {
  let t: TestApp;
  let a: UserSession;
  let b: UserSession;
  let c: UserSession;
  const sockets: TestSocket[] = [];

  const onboarded = async (firstName: string, skills: string[] = []) => {
    const session = await signUpAndLogIn(t, { firstName });
    if (skills.length) await session.patch('/profile/edit', { skills }).expect(200);
    await session.post('/profile/onboarding/complete').expect(200);
    return session;
  };
  const connect = async (session: UserSession) => {
    const socket = await TestSocket.connect(t.url, session.cookieHeader());
    sockets.push(socket);
    return socket;
  };
  const feedIds = async (session: UserSession, query: string) => {
    const res = await session.get(`/user/feed${query}`).expect(200);
    return (res.body.data.items as { _id: string }[]).map((u) => u._id);
  };

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    a = await onboarded('Aarav', ['React', 'Go']);
    b = await onboarded('Bhavna', ['node.js']);
    c = await onboarded('Chetan', ['Rust']);
  });

  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
  });

  afterAll(async () => {
    await t.close();
  });

  it('A sends interested, B is notified live, B accepts, A is notified, both are connected', async () => {
    const aSocket = await connect(a);
    const bSocket = await connect(b);
    expect(await aSocket.waitFor('onlineList')).toEqual([a.id]);

    const feed = await a.get('/user/feed?page=1&limit=5').expect(200);
    expect(feed.body.message).toBe('Feed fetched successfully');
    const items = feed.body.data.items as Record<string, unknown>[];
    expect(items.map((u) => u._id)).toEqual([b.id, c.id]); // _id order, caller excluded
    expect(Object.keys(items[0]).sort()).toEqual(
      ['_id', 'about', 'firstName', 'lastName', 'membershipType', 'skills'].sort(),
    );
    expect(feed.body.data.pagination).toMatchObject({
      totalUsers: 2,
      currentPage: 1,
      totalPages: 1,
      limit: 5,
    });

    const sent = await a.post(`/request/send/interested/${b.id}`).expect(200);
    expect(sent.body.message).toBe('Sent interested request successfully');
    expect(sent.body.data).toMatchObject({
      fromUserId: a.id,
      toUserId: b.id,
      status: 'interested',
      pairKey: [a.id, b.id].sort().join('_'),
      __v: 0,
    });
    const requestId = sent.body.data._id as string;
    expect(await bSocket.waitFor('newNotification')).toEqual({
      type: 'request',
      from: 'Aarav',
      text: 'sent you a connection request',
      targetUserId: a.id,
    });

    const received = await b.get('/user/requests/received').expect(200);
    expect(received.body.data).toHaveLength(1);
    expect(received.body.data[0]._id).toBe(requestId);
    expect(Object.keys(received.body.data[0].fromUserId).sort()).toEqual(
      ['_id', 'about', 'firstName', 'lastName', 'membershipType'].sort(),
    );
    expect((await a.get('/user/requests/sent').expect(200)).body.data[0].toUserId._id).toBe(b.id);

    const accepted = await b.post(`/request/review/accepted/${requestId}`).expect(200);
    expect(accepted.body).toMatchObject({
      message: 'Request accepted successfully',
      data: { status: 'accepted' },
    });
    expect(await aSocket.waitFor('newNotification')).toEqual({
      type: 'request_accepted',
      from: 'Bhavna',
      text: 'accepted your connection request',
      targetUserId: b.id,
    });
    // A marker for B, sent after the accept had answered: any notification the accept sent B
    // was queued before it on this one instance and arrives first.
    const marker = {
      type: 'message' as const,
      from: 'fence',
      text: 'fence',
      targetUserId: b.id,
    };
    t.app.get(PresenceService).notify(b.id, marker);
    await bSocket.waitFor('newNotification', (n) => n.text === 'fence');
    expect(bSocket.of('newNotification')).toHaveLength(2); // B got only the request (and the marker)

    const aConnections = await a.get('/user/connections').expect(200);
    expect(aConnections.body.data.map((u: { _id: string }) => u._id)).toEqual([b.id]);
    expect(aConnections.body.data[0]).not.toHaveProperty('emailId');
    expect(
      (await b.get('/user/connections').expect(200)).body.data.map((u: { _id: string }) => u._id),
    ).toEqual([a.id]);
    expect((await b.get('/user/requests/received').expect(200)).body.data).toEqual([]);

    // Presence now flows between the two connections only.
    aSocket.emit('register', a.id); // the SPA's register: re-sends the list
    const list = await aSocket.waitFor('onlineList', (l) => l.length === 2);
    expect([...list].sort()).toEqual([a.id, b.id].sort());
    aSocket.close();
    expect(await bSocket.waitFor('userOffline')).toBe(a.id);
    const again = await connect(a);
    expect(await bSocket.waitFor('userOnline', (id) => id === a.id)).toBe(a.id);
    expect(again.socket.connected).toBe(true);
  });

  it('pages never repeat a profile; the cursor pages without skipping while swiping', async () => {
    const viewer = await onboarded('Viewer');
    for (let i = 0; i < 5; i++) await onboarded(`Member${letters(i)}`);
    const seen: string[] = [];
    for (let page = 1; page <= 5; page++)
      seen.push(...(await feedIds(viewer, `?page=${page}&limit=2`)));
    expect(new Set(seen).size).toBe(seen.length);
    const total = (await viewer.get('/user/feed?limit=2').expect(200)).body.data.pagination
      .totalUsers as number;
    expect(seen).toHaveLength(total);
    expect(seen).toEqual([...seen].sort()); // stable _id order

    // Swipe through with the cursor: every profile is shown exactly once.
    const swiped: string[] = [];
    let cursor = '';
    for (;;) {
      const res = await viewer
        .get(`/user/feed?limit=2${cursor ? `&after=${cursor}` : ''}`)
        .expect(200);
      const ids = (res.body.data.items as { _id: string }[]).map((u) => u._id);
      for (const id of ids) await viewer.post(`/request/send/ignored/${id}`).expect(200);
      swiped.push(...ids);
      cursor = res.body.data.pagination.nextCursor as string;
      if (!cursor) break;
    }
    expect([...swiped].sort()).toEqual([...seen].sort());
    expect((await viewer.get('/user/feed').expect(200)).body.data.items).toEqual([]);
  });

  it('an ignored user is hidden both ways for 30 days, then reappears and can be asked again', async () => {
    const x = await onboarded('Xavier');
    const y = await onboarded('Yamini');
    await x.post(`/request/send/ignored/${y.id}`).expect(200);
    expect(await feedIds(x, '?limit=50')).not.toContain(y.id);
    expect(await feedIds(y, '?limit=50')).not.toContain(x.id);
    const blocked = await y.post(`/request/send/interested/${x.id}`).expect(400);
    expect(blocked.body.message).toBe('request already exist');

    // Move the clock: the swipe is now 31 days old.
    await t.connection.collection('connectionmodels').updateOne(
      { fromUserId: { $exists: true }, status: 'ignored', pairKey: [x.id, y.id].sort().join('_') },
      {
        $set: { createdAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) },
      },
    );
    expect(await feedIds(x, '?limit=50')).toContain(y.id);
    expect(await feedIds(y, '?limit=50')).toContain(x.id);
    const resent = await y.post(`/request/send/interested/${x.id}`).expect(200);
    expect(resent.body.data).toMatchObject({
      fromUserId: y.id,
      toUserId: x.id,
      status: 'interested',
    });
    expect(
      await t.connection
        .collection('connectionmodels')
        .countDocuments({ pairKey: [x.id, y.id].sort().join('_') }),
    ).toBe(1);
  });

  it('a rejected request blocks the pair for good', async () => {
    const p = await onboarded('Pooja');
    const q = await onboarded('Qadir');
    const sent = await p.post(`/request/send/interested/${q.id}`).expect(200);
    await q.post(`/request/review/rejected/${sent.body.data._id}`).expect(200);
    expect(await feedIds(p, '?limit=50')).not.toContain(q.id);
    expect(await feedIds(q, '?limit=50')).not.toContain(p.id);
    await p.post(`/request/send/interested/${q.id}`).expect(400);
    await q.post(`/request/send/interested/${p.id}`).expect(400);
  });

  it('the skills filter is case-insensitive and accepts a list or a repeated parameter', async () => {
    const viewer = await onboarded('Skillseeker');
    await givePlan(t, viewer.id, 'PRO'); // the skills filter is a paid entitlement
    expect(await feedIds(viewer, '?limit=50&skills=NODE.JS')).toEqual([b.id]);
    expect((await feedIds(viewer, '?limit=50&skills=react,rust')).sort()).toEqual(
      [a.id, c.id].sort(),
    );
    expect((await feedIds(viewer, '?limit=50&skills=react&skills=rust')).sort()).toEqual(
      [a.id, c.id].sort(),
    );
    expect(await feedIds(viewer, '?limit=50&skills=')).toEqual(
      expect.arrayContaining([a.id, b.id, c.id]),
    );

    // A user stored by the original system (no skillsKey) is found once the migration ran.
    const legacyId = new Types.ObjectId();
    await t.connection.collection('users').insertOne({
      _id: legacyId,
      firstName: 'Legacy',
      emailId: 'legacy@example.com',
      password: 'x',
      skills: ['Elixir'],
      emailVerified: true,
      onboardingComplete: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    expect(await feedIds(viewer, '?limit=50&skills=elixir')).toEqual([]);
    expect(await usersSkillsKey.up(t.connection.db as unknown as Db)).toEqual({ changed: 1 });
    expect(await feedIds(viewer, '?limit=50&skills=elixir')).toEqual([legacyId.toHexString()]);
  });

  it('unverified and not-onboarded users never appear in the feed', async () => {
    const viewer = await onboarded('Observer');
    const notOnboarded = await signUpAndLogIn(t, { firstName: 'Halfway' });
    const unverified = await signUpAndLogIn(t, { firstName: 'Unverified' });
    await unverified.post('/profile/onboarding/complete').expect(200);
    await t.connection
      .collection('users')
      .updateOne({ emailId: unverified.user.emailId }, { $set: { emailVerified: false } });
    const ids = await feedIds(viewer, '?limit=50');
    expect(ids).not.toContain(notOnboarded.id);
    expect(ids).not.toContain(unverified.id);
  });

  it('deleted users never appear as null entries', async () => {
    const r = await onboarded('Receiver');
    const gone = await onboarded('Vanishing');
    const stays = await onboarded('Staying');
    await gone.post(`/request/send/interested/${r.id}`).expect(200);
    await stays.post(`/request/send/interested/${r.id}`).expect(200);
    const friend = await onboarded('Friendly');
    const req = await friend.post(`/request/send/interested/${r.id}`).expect(200);
    await r.post(`/request/review/accepted/${req.body.data._id}`).expect(200);
    await t.connection.collection('users').deleteOne({ emailId: gone.user.emailId });
    await t.connection.collection('users').deleteOne({ emailId: friend.user.emailId });
    const received = await r.get('/user/requests/received').expect(200);
    expect(
      received.body.data.map((x: { fromUserId: { _id: string } }) => x.fromUserId._id),
    ).toEqual([stays.id]);
    expect((await r.get('/user/connections').expect(200)).body.data).toEqual([]);
  });

  it('request lists are paginated', async () => {
    const r = await onboarded('Popular');
    for (let i = 0; i < 3; i++) {
      const s = await onboarded(`Fan${letters(i)}`);
      await s.post(`/request/send/interested/${r.id}`).expect(200);
    }
    const first = await r.get('/user/requests/received?page=1&limit=2').expect(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.pagination).toEqual({ page: 1, limit: 2, hasMore: true });
    // Newest first; requests made within one millisecond keep their order by _id.
    expect(first.body.data[0].fromUserId.firstName).toBe('FanC');
    const second = await r.get('/user/requests/received?page=2&limit=2').expect(200);
    expect(
      second.body.data.map((x: { fromUserId: { firstName: string } }) => x.fromUserId.firstName),
    ).toEqual(['FanA']);
    expect(second.body.pagination.hasMore).toBe(false);
    await request(t.server).get('/user/requests/received').expect(401);
  });
});
