import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { Types } from 'mongoose';
import request from 'supertest';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../src/common/redis/redis.module';
import { loadConfig } from '../src/config/app-config';
import { EMAIL_QUEUE, EmailJob } from '../src/modules/mail/mail.constants';
import { BlocksRepository } from '../src/modules/blocks/blocks.repository';
import { DETACHED_USER_ID } from '../src/modules/payments/payment.schema';
import { ReportsRepository } from '../src/modules/safety/reports.repository';
import { WorkerModule } from '../src/worker.module';
import { ResendStub } from './support/resend-stub';
import {
  connectUsers,
  cookiesFrom,
  logIn,
  randomClientIp,
  signUp,
  signUpAndLogIn,
  STRONG_PASSWORD,
  UserSession,
} from './support/session';
import { sendMessageOk, TestSocket } from './support/sockets';
import { createTestApp, TestApp, testEnvironment, uniqueNamespace } from './support/test-app';
import { until } from './support/until';

const WRONG_PASSWORD = 'Wr0ng!pass';

/** `DELETE /profile` against the API, a worker (in process) and a Resend stand-in. */
describe('Account deletion (DELETE /profile)', () => {
  const namespace = uniqueNamespace('leaving');
  const resend = new ResendStub();
  let t: TestApp;
  let worker: INestApplicationContext;
  const sockets: TestSocket[] = [];

  /** A verified, onboarded user: a feed candidate for everyone else. */
  const member = async (firstName: string) => {
    const session = await signUpAndLogIn(t, { firstName });
    await session.post('/profile/onboarding/complete').expect(200);
    return session;
  };
  const open = async (session: UserSession) => {
    const socket = await TestSocket.connect(t.url, session.cookieHeader());
    sockets.push(socket);
    await socket.waitFor('onlineList');
    return socket;
  };
  const deleteAccount = (session: UserSession, body: unknown) =>
    request(t.server)
      .delete('/profile')
      .set('Cookie', session.cookieHeader())
      .set('X-Forwarded-For', randomClientIp())
      .send(body as object);
  const userExists = async (id: string) =>
    (await t.connection.collection('users').countDocuments({ _id: new Types.ObjectId(id) })) === 1;
  const feedIds = async (session: UserSession) =>
    (
      (await session.get('/user/feed?limit=50').expect(200)).body.data.items as { _id: string }[]
    ).map((u) => u._id);

  beforeAll(async () => {
    await resend.start();
    const env = {
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: resend.url,
      MAIL_RETRY_DELAY_MS: '200',
    };
    t = await createTestApp({ namespace, env, listen: true, keepData: true });
    const moduleRef = await Test.createTestingModule({
      imports: [WorkerModule.forRoot(loadConfig(testEnvironment(namespace, env)))],
    }).compile();
    worker = await moduleRef.init();
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await worker.close();
    await t.close();
    await resend.stop();
  });

  it('a wrong password is refused with a clear message and changes nothing', async () => {
    const asha = await member('Asha');
    const ravi = await member('Ravi');
    await connectUsers(asha, ravi);
    const res = await deleteAccount(asha, { password: WRONG_PASSWORD }).expect(400);
    expect(res.body).toEqual({
      success: false,
      message: 'Password is incorrect; your account was not deleted',
      code: 'ACCOUNT_DELETE_PASSWORD_INCORRECT',
    });
    expect(cookiesFrom(res).accessToken).toBeUndefined();
    await asha.get('/profile').expect(200);
    const list = await ravi.get('/user/connections').expect(200);
    expect((list.body.data as { _id: string }[]).map((u) => u._id)).toEqual([asha.id]);
    expect(await userExists(asha.id)).toBe(true);
  });

  it.each([
    ['an unknown field', { password: STRONG_PASSWORD, hard: true }, 'ACCOUNT_DELETE_INVALID_INPUT'],
    ['an operator instead of the password', { password: { $ne: null } }, undefined],
    ['a password that is not a string', { password: ['x'] }, 'VALIDATION_FAILED'],
    ['no password', {}, 'VALIDATION_FAILED'],
  ])('%s is refused with a 400 and deletes nothing', async (_name, body, code) => {
    const user = await member('Nora');
    const res = await deleteAccount(user, body).expect(400);
    expect(res.body.success).toBe(false);
    if (code) expect(res.body.code).toBe(code);
    await user.get('/profile').expect(200);
    expect(await userExists(user.id)).toBe(true);
  });

  describe('with the right password', () => {
    let asha: UserSession;
    let phone: UserSession;
    let ravi: UserSession;
    let meera: UserSession;
    let kiran: UserSession;
    let nina: UserSession;
    let omar: UserSession;
    let priya: UserSession;
    let filedReportId: string;
    let aboutHerReportId: string;
    let ashaSocket: TestSocket;
    let deleted: request.Response;
    const queuedJobId = `digest-test-${Date.now()}`;

    beforeAll(async () => {
      const { body } = await signUp(t, { firstName: 'Asha', lastName: 'Leaving' });
      asha = await logIn(t, body.emailId);
      phone = await logIn(t, body.emailId); // her second device
      await asha.post('/profile/onboarding/complete').expect(200);
      await asha.patch('/profile/edit', { photoUrl: 'https://example.com/asha.jpg' }).expect(200);
      [ravi, meera, kiran, nina, omar, priya] = await Promise.all(
        ['Ravi', 'Meera', 'Kiran', 'Nina', 'Omar', 'Priya'].map((name) => member(name)),
      );
      await connectUsers(asha, ravi);
      await meera.post(`/request/send/interested/${asha.id}`).expect(200);
      await asha.post(`/request/send/interested/${kiran.id}`).expect(200);

      ashaSocket = await open(asha);
      const raviSocket = await open(ravi);
      await sendMessageOk(ashaSocket, ravi.id, 'hi ravi, asha here');
      await sendMessageOk(raviSocket, asha.id, 'hi asha');

      await t.connection.collection('payments').insertOne({
        userId: new Types.ObjectId(asha.id),
        orderId: 'order_leaving_1',
        paymentId: 'pay_leaving_1',
        amount: 49900,
        currency: 'INR',
        receipt: 'receipt_leaving',
        membershipType: 'PRO',
        billingCycle: 'MONTHLY',
        status: 'captured',
        notes: {
          userId: asha.id,
          emailId: asha.user.emailId,
          membershipType: 'PRO',
          billingCycle: 'MONTHLY',
        },
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      const queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
      await queue.add(
        EmailJob.Digest,
        { userId: asha.id, to: asha.user.emailId, firstName: 'Asha', count: 1 },
        { jobId: queuedJobId, delay: 60 * 60_000 },
      );

      // Blocks both ways, and reports by her and about her.
      await asha.post(`/user/block/${omar.id}`).expect(200);
      await priya.post(`/user/block/${asha.id}`).expect(200);
      const filed = await asha.post(`/user/report/${omar.id}`, { reason: 'spam' }).expect(201);
      filedReportId = filed.body.data._id as string;
      const aboutHer = await priya
        .post(`/user/report/${asha.id}`, { reason: 'harassment', details: 'rude' })
        .expect(201);
      aboutHerReportId = aboutHer.body.data._id as string;
      // Their cached blocks name her: the block's invalidation markers are cleared (as they
      // expire 10 s later), so the next reads fill the cache.
      const redis = t.app.get<Redis>(REDIS_CLIENT);
      await redis.del(`blocks:${priya.id}`, `blocks:${omar.id}`);
      const blocks = t.app.get(BlocksRepository);
      expect(await blocks.of(new Types.ObjectId(priya.id))).toEqual({
        blocked: [asha.id],
        blockedBy: [],
      });
      expect(await blocks.of(new Types.ObjectId(omar.id))).toEqual({
        blocked: [],
        blockedBy: [asha.id],
      });
      await until(
        () => redis.exists(`blocks:${priya.id}`, `blocks:${omar.id}`),
        (n) => n === 2,
      );
      expect(await feedIds(omar)).not.toContain(asha.id);
      expect(await feedIds(priya)).not.toContain(asha.id);

      // Others saw her before: their feeds (and decks) and lists held her.
      expect(await feedIds(nina)).toContain(asha.id);
      expect((await kiran.get('/user/requests/received').expect(200)).body.data).toHaveLength(1);

      deleted = await deleteAccount(asha, { password: STRONG_PASSWORD });
    });

    it('answers 200 and clears the cookies', () => {
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ success: true, message: 'Account deleted' });
      expect(cookiesFrom(deleted)).toMatchObject({ accessToken: '', refreshToken: '' });
    });

    it('every session is revoked: the old cookies get 401, the other device cannot refresh', async () => {
      await asha.get('/profile').expect(401);
      await phone.get('/profile').expect(401);
      expect((await phone.refresh()).status).toBe(401);
      const live = await t.connection
        .collection('sessions')
        .countDocuments({ userId: new Types.ObjectId(asha.id), revokedAt: null });
      expect(live).toBe(0);
    });

    it('her socket is parked and its transport closed (as after a logout)', async () => {
      await ashaSocket.waitFor('authRequired');
      expect(await userExists(asha.id)).toBe(false);
    });

    it('requests and connections are gone in both directions, from the database and every list', async () => {
      const id = new Types.ObjectId(asha.id);
      const left = await t.connection
        .collection('connectionmodels')
        .countDocuments({ $or: [{ fromUserId: id }, { toUserId: id }] });
      expect(left).toBe(0);
      expect((await ravi.get('/user/connections').expect(200)).body.data).toEqual([]);
      expect((await meera.get('/user/requests/sent').expect(200)).body.data).toEqual([]);
      expect((await kiran.get('/user/requests/received').expect(200)).body.data).toEqual([]);
      await request(t.server)
        .get(`/profile/${asha.id}`)
        .set('Cookie', ravi.cookieHeader())
        .expect(404);
    });

    it('she is gone from the feeds of users who saw her before', async () => {
      expect(await feedIds(nina)).not.toContain(asha.id);
      expect(await feedIds(ravi)).not.toContain(asha.id);
    });

    it('the other participant keeps the chat; she shows as a deleted user without a photo', async () => {
      const recent = await ravi.get('/chat/recent').expect(200);
      expect(recent.body.data).toEqual([
        expect.objectContaining({
          userId: asha.id,
          firstName: 'Deleted',
          lastName: 'user',
          deleted: true,
          lastMessage: 'hi asha',
        }),
      ]);
      expect(recent.body.data[0].photoUrl).toBeUndefined();
      const chat = await ravi.get(`/chat/${asha.id}`).expect(200);
      const messages = chat.body.data.messages as { text: string; senderId: object }[];
      expect(messages.map((m) => m.text)).toEqual(['hi ravi, asha here', 'hi asha']);
      expect(messages[0].senderId).toEqual({
        _id: asha.id,
        firstName: 'Deleted',
        lastName: 'user',
        deleted: true,
      });
      expect(messages[1].senderId).toMatchObject({ _id: ravi.id, firstName: 'Ravi' });
      expect(chat.body.data.canSend).toBe(false);
    });

    it('payments are kept for accounting, detached from her', async () => {
      const payment = await t.connection
        .collection('payments')
        .findOne({ orderId: 'order_leaving_1' });
      expect(payment).toMatchObject({
        userId: DETACHED_USER_ID,
        amount: 49900,
        status: 'captured',
        paymentId: 'pay_leaving_1',
        membershipType: 'PRO',
        notes: { membershipType: 'PRO', billingCycle: 'MONTHLY' },
        accountDeletedAt: expect.any(Date),
      });
      expect(JSON.stringify(payment)).not.toContain(asha.user.emailId);
      expect(JSON.stringify(payment)).not.toContain(asha.id);
    });

    it('her blocks are gone both ways, from the database and the other side’s cached blocks', async () => {
      const id = new Types.ObjectId(asha.id);
      const left = await t.connection
        .collection('blocks')
        .countDocuments({ $or: [{ blockerId: id }, { blockedId: id }] });
      expect(left).toBe(0);
      const blocks = t.app.get(BlocksRepository);
      expect(await blocks.of(new Types.ObjectId(omar.id))).toEqual({ blocked: [], blockedBy: [] });
      expect(await blocks.of(new Types.ObjectId(priya.id))).toEqual({ blocked: [], blockedBy: [] });
      expect((await priya.get('/user/blocked').expect(200)).body.data).toEqual([]);
    });

    it('reports she filed stay for moderation without her id; reports about her stay as they were', async () => {
      const reports = t.connection.collection('reports');
      const filed = await reports.findOne({ _id: new Types.ObjectId(filedReportId) });
      expect(filed).toMatchObject({
        reporterId: null,
        targetId: new Types.ObjectId(omar.id),
        reason: 'spam',
        status: 'open',
        openKey: filedReportId,
      });
      expect(JSON.stringify(filed)).not.toContain(asha.id);
      const aboutHer = await reports.findOne({ _id: new Types.ObjectId(aboutHerReportId) });
      expect(aboutHer).toMatchObject({
        reporterId: new Types.ObjectId(priya.id),
        targetId: new Types.ObjectId(asha.id),
        reason: 'harassment',
        details: 'rude',
        status: 'open',
      });
      expect(await reports.countDocuments({ reporterId: new Types.ObjectId(asha.id) })).toBe(0);
    });

    it('running the block and report steps again finds nothing and changes nothing', async () => {
      const id = new Types.ObjectId(asha.id);
      const before = await t.connection.collection('reports').find({}).sort({ _id: 1 }).toArray();
      expect(await t.app.get(BlocksRepository).removeAllOf(id)).toEqual([]);
      expect(await t.app.get(ReportsRepository).detachReporter(id)).toBe(0);
      const after = await t.connection.collection('reports').find({}).sort({ _id: 1 }).toArray();
      expect(after).toEqual(before);
    });

    it('her queued emails are dropped and the confirmation reaches her old address', async () => {
      const queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
      expect(await queue.getJob(queuedJobId)).toBeUndefined();
      const [email] = await resend.waitFor(
        (e) =>
          e.recipients[0] === asha.user.emailId &&
          e.body.subject === 'Your DevLink account has been deleted',
      );
      expect(email.body.text).toContain('Hi Asha,');
    });

    it('the same address can sign up again', async () => {
      const res = await request(t.server)
        .post('/auth/signup')
        .set('X-Forwarded-For', randomClientIp())
        .send({ firstName: 'Asha', emailId: asha.user.emailId, password: STRONG_PASSWORD })
        .expect(201);
      expect(res.body.data._id).not.toBe(asha.id);
    });
  });
});
