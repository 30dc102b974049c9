import { createHmac } from 'node:crypto';
import request from 'supertest';
import { setCookieLine, signUpAndLogIn, UserSession } from './support/session';
import { createTestApp, TEST_FRONTEND_URL, TestApp } from './support/test-app';

const FOREIGN = 'https://evil.example';
const WEBHOOK_SECRET = 'cross-site-webhook-secret-0123456789';
const REFUSED = {
  status: 403,
  body: { success: false, message: 'Cross-site request refused', code: 'CROSS_SITE_WRITE' },
};

const connectionsBetween = (t: TestApp, a: UserSession, b: UserSession) =>
  t.connection
    .collection('connectionmodels')
    .countDocuments({ pairKey: [a.id, b.id].sort().join('_') });

/** Two users of one app, as the SPA would hold them. */
async function twoUsers(t: TestApp): Promise<[UserSession, UserSession]> {
  return Promise.all([signUpAndLogIn(t), signUpAndLogIn(t)]);
}

describe('Cross-site writes', () => {
  describe('COOKIE_SAME_SITE=lax: the browser keeps cookies off cross-site POSTs, no origin check', () => {
    let t: TestApp;
    let a: UserSession;
    let b: UserSession;

    beforeAll(async () => {
      t = await createTestApp({ env: { COOKIE_SAME_SITE: 'lax' } });
      [a, b] = await twoUsers(t);
    });
    afterAll(() => t.close());

    it('a write carrying a foreign Origin is served as before', async () => {
      const res = await a.post(`/request/send/interested/${b.id}`).set('Origin', FOREIGN);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      await a
        .patch('/profile/edit', { about: 'Lax mode' })
        .set('Referer', `${FOREIGN}/page`)
        .expect(200);
    });
  });

  describe('COOKIE_SAME_SITE=none: writes must come from FRONTEND_URL', () => {
    let t: TestApp;
    let a: UserSession;
    let b: UserSession;
    let c: UserSession;

    beforeAll(async () => {
      t = await createTestApp({
        env: {
          COOKIE_SAME_SITE: 'none',
          RAZORPAY_KEY_ID: 'rzp_test_crosssite01',
          RAZORPAY_KEY_SECRET: 'cross-site-key-secret-0123456789',
          RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
        },
      });
      [a, b] = await twoUsers(t);
      c = await signUpAndLogIn(t);
    });
    afterAll(() => t.close());

    it('the session cookies are SameSite=None', async () => {
      const res = await request(t.server)
        .post('/auth/refresh')
        .set('Cookie', a.cookieHeader('refresh'));
      expect(res.status).toBe(200);
      a.adopt(res);
      expect(setCookieLine(res, 'accessToken')).toMatch(/; SameSite=None/);
    });

    it('a body-less POST from another site is refused with the envelope and changes nothing', async () => {
      for (const send of [
        () => a.post(`/request/send/interested/${b.id}`).set('Origin', FOREIGN),
        () => a.post(`/request/send/interested/${b.id}`).set('Origin', 'null'),
        () => a.post(`/request/send/interested/${b.id}`).set('Referer', `${FOREIGN}/page`),
        () => a.post(`/request/send/interested/${b.id}`).set('Sec-Fetch-Site', 'cross-site'),
        () =>
          a
            .post(`/request/send/interested/${b.id}`)
            .set('Origin', FOREIGN)
            .set('Referer', `${TEST_FRONTEND_URL}/app`),
      ]) {
        const res = await send();
        expect({ status: res.status, body: res.body }).toEqual(REFUSED);
      }
      expect(await connectionsBetween(t, a, b)).toBe(0);
    });

    it('PATCH and DELETE from another site are refused too', async () => {
      const edit = await a.patch('/profile/edit', { about: 'Forged' }).set('Origin', FOREIGN);
      expect({ status: edit.status, body: edit.body }).toEqual(REFUSED);
      const remove = await a.delete(`/request/connection/${b.id}`).set('Origin', FOREIGN);
      expect({ status: remove.status, body: remove.body }).toEqual(REFUSED);
      const stored = await t.connection.collection('users').findOne({ emailId: a.user.emailId });
      expect(stored?.about).not.toBe('Forged');
    });

    it("the SPA's own writes go through (Origin, or Referer without Origin)", async () => {
      const res = await a.post(`/request/send/interested/${b.id}`).set('Origin', TEST_FRONTEND_URL);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(await connectionsBetween(t, a, b)).toBe(1);
      await a
        .patch('/profile/edit', { about: 'From the SPA' })
        .set('Referer', `${TEST_FRONTEND_URL}/app/profile`)
        .expect(200);
    });

    it('the API’s own pages (Sec-Fetch-Site: same-origin) and non-browser clients (no Origin, no Referer) are served', async () => {
      await c
        .post(`/request/send/interested/${b.id}`)
        .set('Origin', 'http://127.0.0.1:3000')
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(200);
      await a.post(`/request/send/ignored/${c.id}`).expect(200);
      expect(await connectionsBetween(t, c, b)).toBe(1);
      expect(await connectionsBetween(t, a, c)).toBe(1);
    });

    it('reads from another site are not refused (CORS keeps their answers from the page)', async () => {
      const res = await a.get('/profile').set('Origin', FOREIGN);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(TEST_FRONTEND_URL);
    });

    it('the Razorpay webhook is exempt: server to server, authenticated by its signature', async () => {
      const raw = JSON.stringify({
        event: 'payment.captured',
        payload: {
          payment: {
            entity: {
              id: 'pay_crosssite',
              order_id: 'order_unknown',
              amount: 100,
              currency: 'INR',
            },
          },
        },
      });
      const res = await request(t.server)
        .post('/payment/webhook')
        .set('Origin', FOREIGN)
        .set('Content-Type', 'application/json')
        .set('x-razorpay-signature', createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex'))
        .set('x-razorpay-event-id', `evt_crosssite_${Date.now()}`)
        .send(raw);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
    });
  });
});
