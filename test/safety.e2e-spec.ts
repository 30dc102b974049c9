import { Types } from 'mongoose';
import request from 'supertest';
import type {
  ChatMessageEvent,
  ClientToServerEvents,
  Notification,
} from '../src/modules/presence/presence.events';
import { PresenceService } from '../src/modules/presence/presence.service';
import { PresenceStore } from '../src/modules/presence/presence.store';
import { REPORTS_PER_WINDOW } from '../src/modules/safety/report.rules';
import { signUpAndLogIn, UserSession } from './support/session';
import { TestSocket } from './support/sockets';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const ADMIN_USER = 'admin';
const ADMIN_PASSWORD = 'safety-admin-password';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const UNKNOWN_ID = '665f1c2e9b1e8a3d4c5b6a70';

type ChatEvent = Exclude<keyof ClientToServerEvents, 'register'>;
interface AnyAck {
  ok: boolean;
  error: string;
  message: ChatMessageEvent;
  chatId: string | null;
  canSend: boolean;
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

/**
 * Blocking and reporting, told as the users would live it: a block hides the pair from each
 * other everywhere (feed, requests, connections, presence, typing) and leaves their chat
 * readable but closed; a report reaches the admins' list.
 */
describe('Safety: blocking and reporting', () => {
  let t: TestApp;
  let asha: UserSession;
  let ravi: UserSession;
  let mona: UserSession;
  let zara: UserSession;
  const sockets: TestSocket[] = [];
  let fences = 0;

  const open = async (session: UserSession) => {
    const socket = await TestSocket.connect(t.url, session.cookieHeader());
    sockets.push(socket);
    await socket.waitFor('onlineList');
    return socket;
  };
  /**
   * A marker `newNotification` sent after everything the app sent `tab` so far (deliveries drain
   * in order): once it is in, an event that was going to arrive has arrived.
   */
  const fence = async (session: UserSession, tab: TestSocket) => {
    const marker: Notification = {
      type: 'message',
      from: 'fence',
      text: `fence-${++fences}`,
      targetUserId: session.id,
    };
    t.app.get(PresenceService).notify(session.id, marker);
    await tab.waitFor('newNotification', (n) => n.text === marker.text);
  };
  const feedIds = async (who: UserSession) =>
    (
      (await who.get('/user/feed?page=1&limit=50').expect(200)).body.data.items as { _id: string }[]
    ).map((user) => user._id);
  const connectionIds = async (who: UserSession) =>
    ((await who.get('/user/connections').expect(200)).body.data as { _id: string }[]).map(
      (user) => user._id,
    );
  const connect = async (a: UserSession, b: UserSession) => {
    const sent = await a.post(`/request/send/interested/${b.id}`).expect(200);
    await b.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
  };

  beforeAll(async () => {
    t = await createTestApp({
      listen: true,
      env: { ADMIN_USER, ADMIN_PASSWORD },
    });
    [asha, ravi, mona, zara] = [
      await signUpAndLogIn(t),
      await signUpAndLogIn(t),
      await signUpAndLogIn(t),
      await signUpAndLogIn(t),
    ];
    for (const user of [asha, ravi, mona, zara]) {
      await user.post('/profile/onboarding/complete').expect(200);
    }
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(() => t.close());

  it('a block hides the two from each other’s feed, both ways, at once', async () => {
    // Pages served first, so the feeds' caches (exclusions, deck) hold the pair.
    expect(await feedIds(mona)).toContain(zara.id);
    expect(await feedIds(zara)).toContain(mona.id);
    const res = await zara.post(`/user/block/${mona.id}`).expect(200);
    expect(res.body).toEqual({
      success: true,
      message: 'User blocked',
      data: { userId: mona.id, blockedAt: expect.any(String) },
    });
    expect(await feedIds(mona)).not.toContain(zara.id);
    expect(await feedIds(zara)).not.toContain(mona.id);
    // The rest of the feed is untouched.
    expect(await feedIds(mona)).toEqual(expect.arrayContaining([asha.id, ravi.id]));
  });

  it('connection requests across a block are refused both ways as an unknown user would be', async () => {
    const unknown = (await mona.post(`/request/send/interested/${UNKNOWN_ID}`).expect(404)).body;
    for (const [from, to] of [
      [mona, zara],
      [zara, mona],
    ]) {
      for (const status of ['interested', 'ignored']) {
        const res = await from.post(`/request/send/${status}/${to.id}`).expect(404);
        expect(res.body).toEqual(unknown);
      }
    }
    expect(unknown).toEqual({ success: false, message: 'User not found', code: 'USER_NOT_FOUND' });
    const stored = await t.connection.collection('connectionmodels').countDocuments({
      fromUserId: { $in: [new Types.ObjectId(mona.id), new Types.ObjectId(zara.id)] },
    });
    expect(stored).toBe(0);
  });

  it('across a block neither sees the other’s profile (the unknown user’s 404); unblocking shows it again', async () => {
    const unknown = (await mona.get(`/profile/${UNKNOWN_ID}`).expect(404)).body;
    expect(unknown).toEqual({ success: false, message: 'User not found', code: 'USER_NOT_FOUND' });
    await zara.get(`/profile/${asha.id}`).expect(200);
    // Zara blocked Mona (first test): both directions answer as for an unknown user.
    for (const [viewer, other] of [
      [mona, zara],
      [zara, mona],
    ]) {
      const res = await viewer.get(`/profile/${other.id}`).expect(404);
      expect(res.body).toEqual(unknown);
    }
    await zara.delete(`/user/block/${mona.id}`).expect(200);
    const seen = await mona.get(`/profile/${zara.id}`).expect(200);
    expect(seen.body.data).toMatchObject({ _id: zara.id });
    await zara.get(`/profile/${mona.id}`).expect(200);
  });

  it('a block removes the connection, closes the chat (history stays readable) and hides presence', async () => {
    await connect(asha, ravi);
    const ashaTab = await open(asha);
    const raviTab = await open(ravi);
    expect(raviTab.of('onlineList')[0]).toContain(asha.id);
    expect(await ashaTab.waitFor('userOnline', (id) => id === ravi.id)).toBe(ravi.id);
    await ask(raviTab, 'joinChat', { targetUserId: asha.id });
    await ask(ashaTab, 'joinChat', { targetUserId: ravi.id });
    const hello = await ask(ashaTab, 'sendMessage', { targetUserId: ravi.id, text: 'hello Ravi' });
    expect(hello.ok).toBe(true);
    await raviTab.waitFor('messageReceived', (m) => m.text === 'hello Ravi');

    await asha.post(`/user/block/${ravi.id}`).expect(200);

    // Each side's online dot of the other is cleared, and the connection is gone for both.
    expect(await raviTab.waitFor('userOffline', (id) => id === asha.id)).toBe(asha.id);
    expect(await ashaTab.waitFor('userOffline', (id) => id === ravi.id)).toBe(ravi.id);
    expect(await connectionIds(asha)).not.toContain(ravi.id);
    expect(await connectionIds(ravi)).not.toContain(asha.id);
    const pairDocs = await t.connection.collection('connectionmodels').countDocuments({
      pairKey: [asha.id, ravi.id].sort().join('_'),
    });
    expect(pairDocs).toBe(0);

    // History: both still read it, and neither may send (HTTP says so; the socket refuses).
    for (const [reader, other] of [
      [asha, ravi],
      [ravi, asha],
    ]) {
      const chat = (await reader.get(`/chat/${other.id}`).expect(200)).body.data;
      expect(chat.canSend).toBe(false);
      expect(chat.messages.map((m: { text: string }) => m.text)).toEqual(['hello Ravi']);
      await reader.post(`/chat/${other.id}/read`).expect(200);
    }
    const fromBlocker = await ask(ashaTab, 'sendMessage', { targetUserId: ravi.id, text: 'x' });
    expect(fromBlocker).toEqual({
      ok: false,
      error:
        'You blocked this user: you can read this conversation but not send messages (unblocking does not reconnect you)',
    });
    const fromBlocked = await ask(raviTab, 'sendMessage', { targetUserId: asha.id, text: 'y' });
    expect(fromBlocked).toEqual({
      ok: false,
      error:
        'You are no longer connected with this user: you can read this conversation but not send messages',
    });
    const rejoined = await ask(raviTab, 'joinChat', { targetUserId: asha.id });
    expect(rejoined).toMatchObject({ ok: true, canSend: false });
    expect(
      await t.connection.collection('messages').countDocuments({ text: { $in: ['x', 'y'] } }),
    ).toBe(0);

    // Typing in the shared room reaches no one across the block.
    expect(await ask(ashaTab, 'typing', { targetUserId: ravi.id, isTyping: true })).toEqual({
      ok: true,
    });
    await fence(ravi, raviTab);
    expect(raviTab.of('userTyping')).toEqual([]);
    expect(raviTab.of('messageReceived').map((m) => m.text)).toEqual(['hello Ravi']);

    // Coming online again: neither is announced to, or listed for, the other.
    ashaTab.close();
    const store = t.app.get(PresenceStore);
    await until(
      () => store.onlineAmong([asha.id]),
      (online) => online.length === 0,
    );
    raviTab.clear();
    const ashaAgain = await open(asha);
    expect(ashaAgain.of('onlineList')).toEqual([[asha.id]]);
    await fence(ravi, raviTab);
    expect(raviTab.of('userOnline')).toEqual([]);
    const raviAgain = await open(ravi);
    expect(raviAgain.of('onlineList')).toEqual([[ravi.id]]);
  });

  it('unblocking lifts only the caller’s own block and does not restore the connection', async () => {
    // Ravi cannot lift the block Asha made of him: it is not his.
    const notMine = await ravi.delete(`/user/block/${asha.id}`).expect(404);
    expect(notMine.body).toEqual({
      success: false,
      message: 'You have not blocked this user',
      code: 'BLOCK_NOT_FOUND',
    });
    await ravi.post(`/request/send/interested/${asha.id}`).expect(404);
    expect((await ravi.get('/user/blocked').expect(200)).body.data).toEqual([]);
    const listed = (await asha.get('/user/blocked').expect(200)).body.data as { _id: string }[];
    expect(listed.map((u) => u._id)).toEqual([ravi.id]);

    await asha.delete(`/user/block/${ravi.id}`).expect(200);
    expect((await asha.get('/user/blocked').expect(200)).body.data).toEqual([]);
    expect(await connectionIds(asha)).not.toContain(ravi.id);
    expect(await feedIds(asha)).toContain(ravi.id);
    expect(await feedIds(ravi)).toContain(asha.id);
    const chat = (await asha.get(`/chat/${ravi.id}`).expect(200)).body.data;
    expect(chat.canSend).toBe(false); // read-only, as after any removed connection
    // Either side may ask again.
    await ravi.post(`/request/send/interested/${asha.id}`).expect(200);
    await asha.delete(`/user/block/${ravi.id}`).expect(404);
  });

  it('refuses yourself, malformed and unknown ids; blocking twice changes nothing', async () => {
    const self = await mona.post(`/user/block/${mona.id}`).expect(400);
    expect(self.body).toEqual({
      success: false,
      message: 'You cannot block yourself',
      code: 'BLOCK_SELF',
    });
    const malformed = await mona.post('/user/block/not-an-id').expect(400);
    expect(malformed.body).toMatchObject({ message: 'Invalid userId', code: 'INVALID_ID' });
    await mona.delete('/user/block/not-an-id').expect(400);
    const unknown = await mona.post(`/user/block/${UNKNOWN_ID}`).expect(404);
    expect(unknown.body).toMatchObject({ message: 'User not found', code: 'USER_NOT_FOUND' });

    const first = await mona.post(`/user/block/${asha.id}`).expect(200);
    const again = await mona.post(`/user/block/${asha.id}`).expect(200);
    expect(again.body).toEqual(first.body);
    const rows = await t.connection.collection('blocks').countDocuments({
      blockerId: new Types.ObjectId(mona.id),
      blockedId: new Types.ObjectId(asha.id),
    });
    expect(rows).toBe(1);
    await mona.delete(`/user/block/${asha.id}`).expect(200);
  });

  it('lists the caller’s blocks newest first, paginated; refuses unknown query fields', async () => {
    await asha.post(`/user/block/${mona.id}`).expect(200);
    await asha.post(`/user/block/${zara.id}`).expect(200);
    const first = (await asha.get('/user/blocked?page=1&limit=1').expect(200)).body;
    expect(first.data.map((u: { _id: string }) => u._id)).toEqual([zara.id]);
    expect(first.pagination).toEqual({ page: 1, limit: 1, hasMore: true });
    expect(first.data[0]).not.toHaveProperty('emailId');
    const second = (await asha.get('/user/blocked?page=2&limit=1').expect(200)).body;
    expect(second.data.map((u: { _id: string }) => u._id)).toEqual([mona.id]);
    await asha.get('/user/blocked?limit=0').expect(400);
    await asha.get('/user/blocked?sort=name').expect(400);
    await request(t.server).get('/user/blocked').expect(401);
    await request(t.server).post(`/user/block/${mona.id}`).expect(401);
    await asha.delete(`/user/block/${mona.id}`).expect(200);
    await asha.delete(`/user/block/${zara.id}`).expect(200);
  });

  it('reports: validated, stored with the reporter, one open per pair', async () => {
    const cases: [object, number, string][] = [
      [{}, 400, 'REPORT_INVALID_REASON'],
      [{ reason: 'rude' }, 400, 'REPORT_INVALID_REASON'],
      [{ reason: 'spam', details: 'x'.repeat(1001) }, 400, 'REPORT_DETAILS_TOO_LONG'],
      [{ reason: 'spam', details: 42 }, 400, 'VALIDATION_FAILED'],
      [{ reason: 'spam', severity: 'high' }, 400, 'VALIDATION_FAILED'],
      [{ reason: { $ne: 'x' } }, 400, 'INPUT_OPERATOR_KEY'],
    ];
    for (const [body, status, code] of cases) {
      const res = await mona.post(`/user/report/${ravi.id}`, body).expect(status);
      expect({ body, code: res.body.code }).toEqual({ body, code });
    }
    expect((await mona.post(`/user/report/${ravi.id}`, { reason: 'rude' })).body.message).toBe(
      'reason must be one of: spam, harassment, inappropriate, fake_profile, other',
    );
    const self = await mona.post(`/user/report/${mona.id}`, { reason: 'spam' }).expect(400);
    expect(self.body.code).toBe('REPORT_SELF');
    await mona.post(`/user/report/${UNKNOWN_ID}`, { reason: 'spam' }).expect(404);
    await mona.post('/user/report/nope', { reason: 'spam' }).expect(400);

    const details = `He sent the same link\nto everyone `;
    const res = await mona
      .post(`/user/report/${ravi.id}`, { reason: 'harassment', details })
      .expect(201);
    expect(res.body).toEqual({
      success: true,
      message: 'Report received',
      data: {
        _id: expect.any(String),
        reason: 'harassment',
        details: details.trim(),
        status: 'open',
        createdAt: expect.any(String),
      },
    });
    const stored = await t.connection
      .collection('reports')
      .findOne({ _id: new Types.ObjectId(res.body.data._id as string) });
    expect(stored).toMatchObject({
      reporterId: new Types.ObjectId(mona.id),
      targetId: new Types.ObjectId(ravi.id),
      reason: 'harassment',
      status: 'open',
      createdAt: expect.any(Date),
    });
    const duplicate = await mona.post(`/user/report/${ravi.id}`, { reason: 'spam' }).expect(409);
    expect(duplicate.body).toEqual({
      success: false,
      message: 'You already have an open report about this user',
      code: 'REPORT_ALREADY_OPEN',
    });
    // Someone else may report the same user.
    await zara.post(`/user/report/${ravi.id}`, { reason: 'spam' }).expect(201);
  });

  it(`a reporter may file ${REPORTS_PER_WINDOW} reports an hour, then gets a 429 saying when to retry`, async () => {
    const reporter = await signUpAndLogIn(t);
    const targets: UserSession[] = [];
    for (let i = 0; i <= REPORTS_PER_WINDOW; i++) targets.push(await signUpAndLogIn(t));
    for (const target of targets.slice(0, REPORTS_PER_WINDOW)) {
      await reporter.post(`/user/report/${target.id}`, { reason: 'spam' }).expect(201);
    }
    const refused = await reporter
      .post(`/user/report/${targets[REPORTS_PER_WINDOW].id}`, { reason: 'other' })
      .expect(429);
    expect(refused.body).toMatchObject({
      success: false,
      code: 'REPORT_RATE_LIMITED',
      retryAfter: 60,
      retryAfterSeconds: expect.any(Number),
      retryAt: expect.any(String),
    });
    expect(refused.body.message).toBe('You have sent too many reports. Try again in 60 minute(s)');
    // Per reporter: others still report.
    await asha
      .post(`/user/report/${targets[REPORTS_PER_WINDOW].id}`, { reason: 'other' })
      .expect(201);
  });

  it('admins list every report newest first with basic auth; anyone else gets 401', async () => {
    const res = await request(t.server)
      .get('/admin/reports?limit=2')
      .set('Authorization', basic(ADMIN_USER, ADMIN_PASSWORD))
      .expect(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 2, hasMore: true });
    const [newest] = res.body.data as { reporterId: string; reporter: { _id: string } }[];
    expect(newest).toMatchObject({ reporterId: asha.id, reporter: { _id: asha.id } });
    const all = (
      await request(t.server)
        .get('/admin/reports')
        .set('Authorization', basic(ADMIN_USER, ADMIN_PASSWORD))
        .expect(200)
    ).body.data as {
      createdAt: string;
      reason: string;
      targetId: string;
      details: string | null;
    }[];
    const times = all.map((r) => r.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all).toContainEqual(
      expect.objectContaining({
        reason: 'harassment',
        targetId: ravi.id,
        details: expect.any(String),
      }),
    );

    for (const attempt of [
      request(t.server).get('/admin/reports'),
      request(t.server).get('/admin/reports').set('Authorization', basic(ADMIN_USER, 'wrong')),
      request(t.server).get('/admin/reports').set('Cookie', asha.cookieHeader()),
    ]) {
      const refused = await attempt.expect(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Basic /);
      expect(refused.body).toEqual({
        success: false,
        message: 'The reports list needs the administrator user name and password',
        code: 'ADMIN_CREDENTIALS_REQUIRED',
      });
    }
  });

  describe('moderators close reports', () => {
    const admin = () => basic(ADMIN_USER, ADMIN_PASSWORD);
    const close = (id: string, body: object) =>
      request(t.server).patch(`/admin/reports/${id}`).set('Authorization', admin()).send(body);
    const listed = async (query: string) =>
      (
        await request(t.server)
          .get(`/admin/reports${query}`)
          .set('Authorization', admin())
          .expect(200)
      ).body.data as { _id: string; status: string }[];
    const openReportOf = async (reporter: UserSession, target: UserSession) => {
      const row = await t.connection.collection('reports').findOne({
        reporterId: new Types.ObjectId(reporter.id),
        targetId: new Types.ObjectId(target.id),
        status: 'open',
      });
      return row!._id.toHexString();
    };

    it('resolved with a note, or dismissed: stored with the date; the reporter may report again', async () => {
      const id = await openReportOf(mona, ravi);
      const res = await close(id, { status: 'resolved', note: '  Warned him.\nLink removed. ' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Report closed',
        data: expect.objectContaining({
          _id: id,
          status: 'resolved',
          note: 'Warned him.\nLink removed.',
          resolvedAt: expect.any(String),
          reason: 'harassment',
          reporterId: mona.id,
          targetId: ravi.id,
          reporter: expect.objectContaining({ _id: mona.id }),
          target: expect.objectContaining({ _id: ravi.id }),
        }),
      });
      const stored = await t.connection
        .collection('reports')
        .findOne({ _id: new Types.ObjectId(id) });
      expect(stored).toMatchObject({
        status: 'resolved',
        note: 'Warned him.\nLink removed.',
        resolvedAt: new Date(res.body.data.resolvedAt as string),
        openKey: id,
      });
      // The pair is free again: a new report is a new open one.
      await mona.post(`/user/report/${ravi.id}`, { reason: 'spam' }).expect(201);

      const other = await openReportOf(zara, ravi);
      const dismissed = await close(other, { status: 'dismissed' }).expect(200);
      expect(dismissed.body.data).toMatchObject({ status: 'dismissed', note: null });
    });

    it('the list filters by status; without one it lists every report as before', async () => {
      const resolved = await listed('?status=resolved');
      expect(resolved.length).toBeGreaterThan(0);
      expect(resolved.every((r) => r.status === 'resolved')).toBe(true);
      const open = await listed('?status=open&limit=100');
      expect(open.length).toBeGreaterThan(0);
      expect(open.every((r) => r.status === 'open')).toBe(true);
      const dismissed = await listed('?status=dismissed');
      expect(dismissed.map((r) => r.status)).toEqual(['dismissed']);
      const all = await listed('');
      expect(new Set(all.map((r) => r.status))).toEqual(new Set(['open', 'resolved', 'dismissed']));
      expect(all).toHaveLength(open.length + resolved.length + dismissed.length);
      const bad = await request(t.server)
        .get('/admin/reports?status=closed')
        .set('Authorization', admin())
        .expect(400);
      expect(bad.body).toEqual({
        success: false,
        message: 'status must be one of: open, resolved, dismissed',
        code: 'REPORT_INVALID_STATUS_FILTER',
      });
    });

    it('bad input is a 400 with the error envelope; an unknown report a 404; nothing changes', async () => {
      const id = await openReportOf(mona, ravi);
      const before = await t.connection
        .collection('reports')
        .findOne({ _id: new Types.ObjectId(id) });
      const cases: [object, string][] = [
        [{}, 'REPORT_INVALID_DECISION'],
        [{ status: 'open' }, 'REPORT_INVALID_DECISION'],
        [{ status: 'closed' }, 'REPORT_INVALID_DECISION'],
        [{ status: 'resolved', note: 'x'.repeat(1001) }, 'REPORT_NOTE_TOO_LONG'],
        [{ status: 'resolved', note: 42 }, 'VALIDATION_FAILED'],
        [{ status: 'resolved', banned: true }, 'VALIDATION_FAILED'],
        [{ status: { $ne: 'x' } }, 'INPUT_OPERATOR_KEY'],
      ];
      for (const [body, code] of cases) {
        const res = await close(id, body).expect(400);
        expect({ body, code: res.body.code, success: res.body.success }).toEqual({
          body,
          code,
          success: false,
        });
      }
      expect((await close(id, { status: 'closed' })).body.message).toBe(
        'status must be one of: resolved, dismissed',
      );
      const malformed = await close('not-an-id', { status: 'resolved' }).expect(400);
      expect(malformed.body).toEqual({
        success: false,
        message: 'Invalid reportId',
        code: 'INVALID_ID',
      });
      const unknown = await close(UNKNOWN_ID, { status: 'resolved' }).expect(404);
      expect(unknown.body).toEqual({
        success: false,
        message: 'Report not found',
        code: 'REPORT_NOT_FOUND',
      });
      const after = await t.connection
        .collection('reports')
        .findOne({ _id: new Types.ObjectId(id) });
      expect(after).toEqual(before);
    });

    it('closing needs the admin credentials: 401 with a challenge otherwise', async () => {
      const id = await openReportOf(mona, ravi);
      for (const attempt of [
        request(t.server).patch(`/admin/reports/${id}`),
        request(t.server)
          .patch(`/admin/reports/${id}`)
          .set('Authorization', basic(ADMIN_USER, 'wrong')),
        request(t.server).patch(`/admin/reports/${id}`).set('Cookie', asha.cookieHeader()),
      ]) {
        const refused = await attempt.send({ status: 'dismissed' }).expect(401);
        expect(refused.headers['www-authenticate']).toMatch(/^Basic /);
        expect(refused.body.code).toBe('ADMIN_CREDENTIALS_REQUIRED');
      }
      const stored = await t.connection
        .collection('reports')
        .findOne({ _id: new Types.ObjectId(id) });
      expect(stored).toMatchObject({ status: 'open' });
    });
  });

  it('without ADMIN_USER / ADMIN_PASSWORD the admins’ routes do not exist', async () => {
    const plain = await createTestApp();
    try {
      const res = await request(plain.server)
        .get('/admin/reports')
        .set('Authorization', basic(ADMIN_USER, ADMIN_PASSWORD))
        .expect(404);
      expect(res.body.code).toBe('ROUTE_NOT_FOUND');
      const patch = await request(plain.server)
        .patch(`/admin/reports/${UNKNOWN_ID}`)
        .set('Authorization', basic(ADMIN_USER, ADMIN_PASSWORD))
        .send({ status: 'resolved' })
        .expect(404);
      expect(patch.body.code).toBe('ROUTE_NOT_FOUND');
    } finally {
      await plain.close();
    }
  });
});
