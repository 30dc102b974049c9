import { Types } from 'mongoose';
import request from 'supertest';
import { ChatService } from '../src/modules/chat/chat.service';
import { NotificationCleanupModule } from '../src/modules/notifications/notification-cleanup.module';
import { NotificationCleanupService } from '../src/modules/notifications/notification-cleanup.service';
import { NOTIFICATION_RETENTION_DAYS } from '../src/modules/notifications/notifications.rules';
import { signUpAndLogIn, UserSession } from './support/session';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

type Listed = {
  _id: string;
  type: string;
  text: string;
  actor: { _id: string; firstName: string } | null;
  readAt: string | null;
};

/** The notification inbox: what `newNotification` pushed, kept for users who were offline. */
describe('Notifications inbox', () => {
  let t: TestApp;
  let asha: UserSession;
  let ravi: UserSession;
  let mona: UserSession;

  const inbox = async (who: UserSession, query = '') =>
    (await who.get(`/notifications${query}`).expect(200)).body as {
      data: Listed[];
      pagination: { hasMore: boolean; nextBefore: string | null };
    };
  const inboxOf = (who: UserSession, size: number) =>
    until(
      () => inbox(who),
      (body) => body.data.length >= size,
    );

  beforeAll(async () => {
    t = await createTestApp({ imports: [NotificationCleanupModule] });
    [asha, ravi, mona] = [
      await signUpAndLogIn(t),
      await signUpAndLogIn(t),
      await signUpAndLogIn(t),
    ];
  });

  afterAll(() => t.close());

  it('a request to someone with no socket is in their inbox, with who sent it, unread', async () => {
    await asha.post(`/request/send/interested/${ravi.id}`).expect(200);
    const { data, pagination } = await inboxOf(ravi, 1);
    expect(data).toEqual([
      expect.objectContaining({
        type: 'request',
        actor: expect.objectContaining({ _id: asha.id, firstName: asha.user.firstName }),
        readAt: null,
      }),
    ]);
    expect(pagination).toEqual({ hasMore: false, nextBefore: null });
    expect((await ravi.get('/notifications/unread-count').expect(200)).body.data).toEqual({
      count: 1,
      capped: false,
    });
    // The sender's own inbox holds nothing of it.
    expect((await inbox(asha)).data).toEqual([]);
  });

  it('accepting notifies the requester; messages notify the receiver; pages run newest first', async () => {
    const sent = await mona.post(`/request/send/interested/${asha.id}`).expect(200);
    await asha.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
    await inboxOf(mona, 1);
    // The socket's sendMessage calls the service; no socket is needed for the inbox.
    await t.app
      .get(ChatService)
      .send(new Types.ObjectId(asha.id), new Types.ObjectId(mona.id), 'hello Mona');
    const monaInbox = await inboxOf(mona, 2);
    expect(monaInbox.data.map((n) => [n.type, n.actor?._id])).toEqual([
      ['message', asha.id],
      ['request_accepted', asha.id],
    ]);
    expect(monaInbox.data[0].text).toBe('hello Mona');
    expect((await inbox(asha)).data[0]).toMatchObject({ type: 'request', actor: { _id: mona.id } });

    const first = await inbox(mona, '?limit=1');
    expect(first.data.map((n) => n._id)).toEqual([monaInbox.data[0]._id]);
    expect(first.pagination).toEqual({ hasMore: true, nextBefore: monaInbox.data[0]._id });
    const second = await inbox(mona, `?limit=1&before=${first.pagination.nextBefore}`);
    expect(second.data.map((n) => n._id)).toEqual([monaInbox.data[1]._id]);
  });

  it('marks read by ids (only the caller’s own) and all; the count follows', async () => {
    const own = (await inboxOf(ravi, 1)).data[0]._id;
    const others = (await inboxOf(mona, 1)).data[0]._id;
    const res = await ravi.post('/notifications/read', { ids: [own, others] }).expect(200);
    expect(res.body.data).toEqual({ updated: 1 });
    const stored = await t.connection
      .collection('notifications')
      .findOne({ _id: new Types.ObjectId(others) });
    expect(stored?.readAt).toBeNull();
    expect((await inbox(ravi)).data[0].readAt).not.toBeNull();
    expect((await ravi.get('/notifications/unread-count')).body.data.count).toBe(0);

    const unread = (await mona.get('/notifications/unread-count')).body.data.count as number;
    expect(unread).toBeGreaterThan(0);
    expect(
      (await mona.post('/notifications/read', { all: true }).expect(200)).body.data.updated,
    ).toBe(unread);
    expect((await mona.get('/notifications/unread-count')).body.data.count).toBe(0);
  });

  it('refuses bad input with a message that says what was wrong', async () => {
    const cases: [object, RegExp][] = [
      [{}, /either ids .* or all: true/],
      [{ ids: ['x'] }, /each of ids must be a notification id/],
      [{ ids: [] }, /at least one/],
      [{ all: 'yes' }, /all must be true or false/],
      [{ ids: [new Types.ObjectId().toHexString()], all: true }, /not both/],
      [{ all: true, extra: 1 }, /extra/],
      [{ ids: { $gt: '' } }, /may not start with "\$"/],
    ];
    for (const [body, message] of cases) {
      const res = await ravi.post('/notifications/read', body).expect(400);
      expect(res.body).toMatchObject({ success: false, message: expect.stringMatching(message) });
    }
    await ravi.get('/notifications?before=nope').expect(400);
    await ravi.get('/notifications?limit=51').expect(400);
    await ravi.get('/notifications?limit=5&extra=1').expect(400);
  });

  it('needs a session', async () => {
    await request(t.server).get('/notifications').expect(401);
    await request(t.server).post('/notifications/read').send({ all: true }).expect(401);
  });

  it('the clean-up removes notifications past the retention, and only those', async () => {
    const old = Types.ObjectId.createFromTime(
      Math.floor(Date.now() / 1000) - (NOTIFICATION_RETENTION_DAYS + 1) * 86_400,
    );
    await t.connection.collection('notifications').insertOne({
      _id: old,
      userId: new Types.ObjectId(ravi.id),
      type: 'request',
      actorId: new Types.ObjectId(asha.id),
      text: 'old',
      createdAt: old.getTimestamp(),
      readAt: null,
    });
    const before = await t.connection.collection('notifications').countDocuments();
    const { removed } = await t.app.get(NotificationCleanupService).sweep();
    expect(removed).toBe(1);
    expect(await t.connection.collection('notifications').countDocuments()).toBe(before - 1);
    expect(await t.connection.collection('notifications').findOne({ _id: old })).toBeNull();
  });
});
