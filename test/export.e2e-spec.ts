import { Types } from 'mongoose';
import request from 'supertest';
import type { AccountExportView } from '../src/modules/profile/account-export.views';
import {
  connectUsers,
  cookiesFrom,
  randomClientIp,
  signUp,
  signUpAndLogIn,
  STRONG_PASSWORD,
  UserSession,
} from './support/session';
import { sendMessageOk, TestSocket } from './support/sockets';
import { createTestApp, TestApp } from './support/test-app';

describe('GET /profile/export (everything stored about the caller)', () => {
  let t: TestApp;
  let asha: UserSession;
  let ravi: UserSession;
  let meera: UserSession;
  const sockets: TestSocket[] = [];
  const ashaAgent = 'Mozilla/5.0 (Asha phone)';
  let phoneSessionId: string;

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    const { body } = await signUp(t, { firstName: 'Asha', lastName: 'Rao' });
    const login = await request(t.server)
      .post('/auth/login')
      .set('X-Forwarded-For', randomClientIp())
      .set('User-Agent', ashaAgent)
      .send({ emailId: body.emailId, password: STRONG_PASSWORD })
      .expect(200);
    const cookies = cookiesFrom(login);
    asha = new UserSession(t.server, cookies.accessToken, cookies.refreshToken, login.body.data);
    phoneSessionId = JSON.parse(
      Buffer.from(cookies.accessToken.split('.')[1], 'base64url').toString(),
    ).sid as string;
    await asha.patch('/profile/edit', { about: 'Asha writes Go', skills: ['Go'] }).expect(200);
    ravi = await signUpAndLogIn(t, { firstName: 'Ravi', lastName: 'Iyer' });
    await ravi
      .patch('/profile/edit', {
        about: 'Ravi private about',
        photoUrl: 'https://example.com/r.jpg',
      })
      .expect(200);
    meera = await signUpAndLogIn(t, { firstName: 'Meera' });
    await connectUsers(asha, ravi);
    await meera.post(`/request/send/interested/${asha.id}`).expect(200);

    const ashaTab = await TestSocket.connect(t.url, asha.cookieHeader());
    const raviTab = await TestSocket.connect(t.url, ravi.cookieHeader());
    sockets.push(ashaTab, raviTab);
    await sendMessageOk(ashaTab, ravi.id, 'hello from asha');
    await sendMessageOk(raviTab, asha.id, 'hello from ravi');

    await t.connection.collection('payments').insertOne({
      userId: new Types.ObjectId(asha.id),
      orderId: 'order_export_1',
      paymentId: 'pay_export_1',
      amount: 49900,
      currency: 'INR',
      receipt: 'receipt_1',
      membershipType: 'PRO',
      billingCycle: 'MONTHLY',
      status: 'captured',
      notes: { userId: asha.id, membershipType: 'PRO', billingCycle: 'MONTHLY' },
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  let first: request.Response;

  it('is one JSON attachment with the profile, membership, both directions, sent messages, payments and sessions', async () => {
    first = await asha.get('/profile/export').expect(200);
    expect(first.headers['content-disposition']).toBe('attachment; filename="devlink-export.json"');
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const data = first.body.data as AccountExportView;
    expect(first.body).toMatchObject({ success: true, message: 'Your data export' });
    expect(data.profile).toMatchObject({
      _id: asha.id,
      firstName: 'Asha',
      lastName: 'Rao',
      emailId: asha.user.emailId,
      about: 'Asha writes Go',
      skills: ['Go'],
      boostedAt: null,
    });
    expect(data.membership).toEqual({
      membershipType: 'FREE',
      billingCycle: null,
      membershipExpiry: null,
    });

    const byOther = new Map(data.connections.items.map((c) => [c.user._id, c]));
    expect(data.connections.truncated).toBe(false);
    expect(byOther.get(ravi.id)).toMatchObject({
      status: 'accepted',
      direction: 'sent',
      user: {
        _id: ravi.id,
        firstName: 'Ravi',
        lastName: 'Iyer',
        photoUrl: 'https://example.com/r.jpg',
      },
    });
    expect(byOther.get(meera.id)).toMatchObject({ status: 'interested', direction: 'received' });
    for (const { user } of data.connections.items) {
      expect(
        Object.keys(user).every((k) => ['_id', 'firstName', 'lastName', 'photoUrl'].includes(k)),
      ).toBe(true);
    }

    expect(data.messages).toEqual({
      truncated: false,
      items: [
        {
          _id: expect.any(String),
          chatId: expect.any(String),
          to: ravi.id,
          text: 'hello from asha',
          createdAt: expect.any(String),
        },
      ],
    });
    expect(data.payments.items).toEqual([
      expect.objectContaining({
        orderId: 'order_export_1',
        paymentId: 'pay_export_1',
        amount: 49900,
        status: 'captured',
        membershipType: 'PRO',
      }),
    ]);
    expect(data.sessions.items).toEqual([
      expect.objectContaining({
        _id: phoneSessionId,
        userAgent: ashaAgent,
        revokedAt: null,
        current: true,
      }),
    ]);
  });

  it('holds no password hash, token or other users’ private fields', async () => {
    const text = first.text;
    const stored = await t.connection
      .collection('users')
      .findOne({ _id: new Types.ObjectId(asha.id) });
    expect(text).not.toContain(String(stored!.password));
    expect(text).not.toMatch(/"password"|emailVerifyToken|appliedPayments|tokenHash/);
    expect(text).not.toContain(ravi.user.emailId);
    expect(text).not.toContain(meera.user.emailId);
    expect(text).not.toContain('Ravi private about');
    expect(text).not.toContain('hello from ravi');
  });

  it('3 per hour per user: the 4th is a 429 with Retry-After; other users are not counted', async () => {
    await asha.get('/profile/export').expect(200);
    await asha.get('/profile/export').expect(200);
    const refused = await asha.get('/profile/export').expect(429);
    expect(refused.body).toMatchObject({
      success: false,
      code: 'ACCOUNT_EXPORT_RATE_LIMITED',
      retryAfter: expect.any(Number),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['content-disposition']).toBeUndefined();
    await ravi.get('/profile/export').expect(200);
  });

  it('needs a session', async () => {
    const res = await request(t.server).get('/profile/export').expect(401);
    expect(res.body.success).toBe(false);
  });
});
