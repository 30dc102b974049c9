import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import request from 'supertest';
import { RazorpayStub } from './support/razorpay-stub';
import { signUpAndLogIn, UserSession } from './support/session';
import { createTestApp, TestApp } from './support/test-app';

const KEY_ID = 'rzp_test_stub0000001';
const KEY_SECRET = 'stub-key-secret-0123456789';
const WEBHOOK_SECRET = 'stub-webhook-secret-0123456789';

const checkoutSignature = (orderId: string, paymentId: string) =>
  createHmac('sha256', KEY_SECRET).update(`${orderId}|${paymentId}`).digest('hex');

describe('Payments: orders, verify and status polling (Razorpay stand-in)', () => {
  let t: TestApp;
  let stub: RazorpayStub;
  let buyer: UserSession;
  let other: UserSession;

  const payments = () => t.connection.collection('payments');
  const users = () => t.connection.collection('users');

  beforeAll(async () => {
    stub = await new RazorpayStub(KEY_ID, KEY_SECRET).start();
    t = await createTestApp({
      env: {
        RAZORPAY_KEY_ID: KEY_ID,
        RAZORPAY_KEY_SECRET: KEY_SECRET,
        RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
        RAZORPAY_API_URL: stub.url,
      },
    });
    [buyer, other] = await Promise.all([signUpAndLogIn(t), signUpAndLogIn(t)]);
  });

  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  it('creates an order through the SDK (basic auth, notes) and stores the row before answering', async () => {
    const before = stub.requests.length;
    const res = await buyer
      .post('/payment/create', { membershipType: 'PRO', billingCycle: 'MONTHLY' })
      .expect(201);
    expect(res.body).toEqual({
      success: true,
      message: 'Payment created successfully',
      data: {
        orderId: expect.stringMatching(/^order_/),
        amount: 49900,
        currency: 'INR',
        keyId: KEY_ID,
      },
    });
    const sent = stub.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      path: '/v1/orders',
      authorization: `Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}`,
      userAgent: expect.stringMatching(/^razorpay-node@/),
      body: {
        amount: 49900,
        currency: 'INR',
        receipt: expect.stringMatching(/^receipt_\d{13}$/),
        notes: { userId: buyer.id, membershipType: 'PRO', billingCycle: 'MONTHLY' },
      },
    });
    const row = await payments().findOne({ orderId: res.body.data.orderId });
    expect(row).toMatchObject({
      userId: new Types.ObjectId(buyer.id),
      paymentId: null,
      amount: 49900,
      currency: 'INR',
      membershipType: 'PRO',
      billingCycle: 'MONTHLY',
      status: 'created',
      notes: { userId: buyer.id, membershipType: 'PRO', billingCycle: 'MONTHLY' },
    });
  });

  it.each([
    ['ELITE', 'MONTHLY', 99900],
    ['ELITE', 'YEARLY', 799900],
    ['PRO', 'YEARLY', 399900],
  ])('POST /payment/order is the same route: %s %s costs %i paise', async (plan, cycle, amount) => {
    const res = await buyer
      .post('/payment/order', { membershipType: plan, billingCycle: cycle })
      .expect(201);
    expect(res.body.data).toMatchObject({ amount, currency: 'INR', keyId: KEY_ID });
    expect(stub.orders.get(res.body.data.orderId)?.amount).toBe(amount);
  });

  it.each([
    [{ membershipType: 'FREE', billingCycle: 'MONTHLY' }],
    [{ membershipType: 'PRO', billingCycle: 'WEEKLY' }],
    [{ membershipType: 'pro', billingCycle: 'MONTHLY' }],
    [{ membershipType: 'PRO' }],
    [{}],
    [{ membershipType: 'PRO', billingCycle: 'MONTHLY', amount: 1 }],
    [{ membershipType: ['PRO'], billingCycle: 'MONTHLY' }],
  ])('refuses %j with 400 Invalid input and calls no gateway', async (body) => {
    const before = stub.requests.length;
    const res = await buyer.post('/payment/create', body).expect(400);
    expect(res.body).toEqual({
      success: false,
      message: 'Invalid input',
      code: 'PAYMENT_INVALID_INPUT',
    });
    expect(stub.requests.length).toBe(before);
  });

  it('a gateway outage is 502 and stores nothing', async () => {
    const count = await payments().countDocuments();
    stub.failNext(1);
    const res = await other
      .post('/payment/create', { membershipType: 'PRO', billingCycle: 'MONTHLY' })
      .expect(502);
    expect(res.body).toEqual({
      success: false,
      message: 'The payment gateway did not answer; please try again',
      code: 'PAYMENT_GATEWAY_FAILED',
    });
    expect(await payments().countDocuments()).toBe(count);
  });

  it('a lower tier than the active one is 409 with the current plan and expiry', async () => {
    const elite = await signUpAndLogIn(t);
    const expiry = new Date(Date.now() + 20 * 86_400_000);
    await users().updateOne(
      { _id: new Types.ObjectId(elite.id) },
      { $set: { membershipType: 'ELITE', billingCycle: 'MONTHLY', membershipExpiry: expiry } },
    );
    const res = await elite
      .post('/payment/create', { membershipType: 'PRO', billingCycle: 'YEARLY' })
      .expect(409);
    expect(res.body).toMatchObject({
      success: false,
      code: 'PAYMENT_LOWER_TIER',
      currentPlan: 'ELITE',
      membershipExpiry: expiry.toISOString(),
    });
    expect(res.body.message).toContain('ELITE');
    expect(res.body.message).toContain(expiry.toISOString());
    // The same tier (renewal) and an expired membership may buy.
    await elite
      .post('/payment/create', { membershipType: 'ELITE', billingCycle: 'MONTHLY' })
      .expect(201);
    // An expired membership reads as FREE (users are cached, so a fresh user for this case).
    const lapsed = await signUpAndLogIn(t);
    await users().updateOne(
      { _id: new Types.ObjectId(lapsed.id) },
      {
        $set: {
          membershipType: 'ELITE',
          billingCycle: 'MONTHLY',
          membershipExpiry: new Date(Date.now() - 1000),
        },
      },
    );
    await lapsed
      .post('/payment/create', { membershipType: 'PRO', billingCycle: 'MONTHLY' })
      .expect(201);
  });

  describe('verify and status', () => {
    let orderId: string;

    beforeAll(async () => {
      const res = await buyer
        .post('/payment/create', { membershipType: 'PRO', billingCycle: 'MONTHLY' })
        .expect(201);
      orderId = res.body.data.orderId;
    });

    const verifyBody = (paymentId: string, signature = checkoutSignature(orderId, paymentId)) => ({
      razorpay_order_id: orderId,
      razorpay_payment_id: paymentId,
      razorpay_signature: signature,
    });

    it('status polling answers ready:false without user/data while not captured', async () => {
      const res = await buyer.get(`/payment/status/${orderId}`).expect(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Payment status retrieved successfully',
        status: 'created',
        ready: false,
      });
    });

    it.each([
      [{}],
      [{ razorpay_order_id: 'order_x', razorpay_payment_id: 'pay_x' }],
      [{ razorpay_order_id: 'order_x', razorpay_payment_id: 5, razorpay_signature: 'ab' }],
      [{ razorpay_order_id: '', razorpay_payment_id: 'pay_x', razorpay_signature: 'ab' }],
    ])('verify without all details is 400 Missing payment details (%j)', async (body) => {
      const res = await buyer.post('/payment/verify', body).expect(400);
      expect(res.body).toEqual({
        success: false,
        message: 'Missing payment details',
        code: 'PAYMENT_MISSING_DETAILS',
      });
    });

    it('a wrong signature is 400 Invalid signature and changes nothing', async () => {
      const good = checkoutSignature(orderId, 'pay_A');
      for (const signature of [
        checkoutSignature(orderId, 'pay_B'),
        good.slice(0, 62),
        `${good}00`,
        'zz' + good.slice(2),
        createHmac('sha256', 'wrong').update(`${orderId}|pay_A`).digest('hex'),
      ]) {
        const res = await buyer.post('/payment/verify', verifyBody('pay_A', signature)).expect(400);
        expect(res.body).toEqual({
          success: false,
          message: 'Invalid signature',
          code: 'PAYMENT_INVALID_SIGNATURE',
        });
      }
      expect((await payments().findOne({ orderId }))?.status).toBe('created');
    });

    it("someone else's order is 404 Payment not found, even with a valid signature", async () => {
      const res = await other.post('/payment/verify', verifyBody('pay_A')).expect(404);
      expect(res.body).toEqual({
        success: false,
        message: 'Payment not found',
        code: 'PAYMENT_NOT_FOUND',
      });
      await other.get(`/payment/status/${orderId}`).expect(404);
      const unknown = 'order_doesnotexist1';
      await buyer
        .post('/payment/verify', {
          razorpay_order_id: unknown,
          razorpay_payment_id: 'pay_A',
          razorpay_signature: createHmac('sha256', KEY_SECRET)
            .update(`${unknown}|pay_A`)
            .digest('hex'),
        })
        .expect(404);
      expect((await payments().findOne({ orderId }))?.status).toBe('created');
    });

    it('a correct signature marks the own order authorized and grants nothing', async () => {
      const res = await buyer.post('/payment/verify', verifyBody('pay_A')).expect(200);
      expect(res.body).toEqual({ success: true, message: 'Payment verified successfully' });
      expect(await payments().findOne({ orderId })).toMatchObject({
        status: 'authorized',
        paymentId: 'pay_A',
      });
      const status = await buyer.get(`/payment/status/${orderId}`).expect(200);
      expect(status.body).toMatchObject({ status: 'authorized', ready: false });
      expect((await buyer.get('/profile')).body.data.membershipType).toBe('FREE');
    });

    it('verify never moves a captured or failed payment backwards', async () => {
      for (const status of ['captured', 'failed']) {
        await payments().updateOne({ orderId }, { $set: { status } });
        await buyer.post('/payment/verify', verifyBody('pay_B')).expect(200);
        expect(await payments().findOne({ orderId })).toMatchObject({ status, paymentId: 'pay_A' });
      }
    });

    it('once captured, polling answers ready:true with the self view in user and data', async () => {
      await payments().updateOne({ orderId }, { $set: { status: 'captured' } });
      const res = await buyer.get(`/payment/status/${orderId}`).expect(200);
      expect(res.body).toMatchObject({
        success: true,
        message: 'Payment status retrieved successfully',
        status: 'captured',
        ready: true,
      });
      expect(res.body.user).toEqual(res.body.data);
      expect(res.body.user._id).toBe(buyer.id);
      for (const secret of [
        'password',
        'refreshToken',
        'emailVerifyToken',
        'emailVerifyExpiry',
        '__v',
      ]) {
        expect(res.body.user).not.toHaveProperty(secret);
      }
      expect(res.body.user).toEqual((await buyer.get('/profile')).body.data);
    });

    it('an unknown order id is 404', async () => {
      await buyer.get('/payment/status/order_nope').expect(404);
      await buyer.get(`/payment/status/${'x'.repeat(300)}`).expect(404);
    });
  });

  describe('POST /payment/webhook (signed by Razorpay)', () => {
    const sign = (raw: string, secret = WEBHOOK_SECRET) =>
      createHmac('sha256', secret).update(raw).digest('hex');
    let deliveries = 0;
    const nextEventId = () => `evt_${Date.now()}_${deliveries++}`;

    /** Sends `raw` as Razorpay would: JSON, signed, with a delivery id (unless null). */
    const deliver = (
      body: object | string,
      options: { signature?: string | null; eventId?: string | null } = {},
    ) => {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(t.server)
        .post('/payment/webhook')
        .set('Content-Type', 'application/json');
      const signature = options.signature === undefined ? sign(raw) : options.signature;
      if (signature !== null) req.set('x-razorpay-signature', signature);
      const eventId = options.eventId === undefined ? nextEventId() : options.eventId;
      if (eventId !== null) req.set('x-razorpay-event-id', eventId);
      return req.send(raw);
    };

    interface Order {
      orderId: string;
      amount: number;
    }
    /** A Razorpay event for a payment of `order` (order.paid also carries the order entity). */
    const eventFor = (
      name: string,
      order: Order,
      paymentId: string,
      overrides: Record<string, unknown> = {},
    ) => ({
      entity: 'event',
      account_id: 'acc_Test0000000001',
      event: name,
      contains: name === 'order.paid' ? ['payment', 'order'] : ['payment'],
      payload: {
        payment: {
          entity: {
            id: paymentId,
            entity: 'payment',
            amount: order.amount,
            currency: 'INR',
            status: name === 'payment.failed' ? 'failed' : 'captured',
            order_id: order.orderId,
            method: 'upi',
            ...overrides,
          },
        },
        ...(name === 'order.paid'
          ? {
              order: {
                entity: {
                  id: order.orderId,
                  entity: 'order',
                  amount: order.amount,
                  amount_paid: order.amount,
                  currency: 'INR',
                  status: 'paid',
                },
              },
            }
          : {}),
      },
      created_at: Math.floor(Date.now() / 1000),
    });

    const newOrder = async (session: UserSession, plan = 'PRO', cycle = 'MONTHLY') => {
      const res = await session
        .post('/payment/create', { membershipType: plan, billingCycle: cycle })
        .expect(201);
      return res.body.data as Order;
    };
    const userRow = (session: UserSession) =>
      users().findOne({ _id: new Types.ObjectId(session.id) });
    const DAY = 86_400_000;

    let logs: { error: jest.SpyInstance; warn: jest.SpyInstance; log: jest.SpyInstance };
    beforeEach(() => {
      logs = {
        error: jest.spyOn(Logger.prototype, 'error'),
        warn: jest.spyOn(Logger.prototype, 'warn'),
        log: jest.spyOn(Logger.prototype, 'log'),
      };
    });
    afterEach(() => jest.restoreAllMocks());
    const logged = (spy: jest.SpyInstance, msg: RegExp) =>
      spy.mock.calls.some(([entry]) => msg.test(JSON.stringify(entry)));

    it('story: order → verify → signed capture → polling answers ready:true with the upgraded user', async () => {
      const session = await signUpAndLogIn(t);
      const order = await newOrder(session);
      const paymentId = stub.addPayment(order.orderId).id;
      await session
        .post('/payment/verify', {
          razorpay_order_id: order.orderId,
          razorpay_payment_id: paymentId,
          razorpay_signature: checkoutSignature(order.orderId, paymentId),
        })
        .expect(200);
      const pending = await session.get(`/payment/status/${order.orderId}`).expect(200);
      expect(pending.body).toMatchObject({ status: 'authorized', ready: false });

      const res = await deliver(eventFor('payment.captured', order, paymentId)).expect(200);
      expect(res.body).toEqual({ success: true, message: 'Webhook processed successfully' });

      expect(await payments().findOne({ orderId: order.orderId })).toMatchObject({
        status: 'captured',
        paymentId,
      });
      const polled = await session.get(`/payment/status/${order.orderId}`).expect(200);
      expect(polled.body).toMatchObject({ status: 'captured', ready: true });
      expect(polled.body.user).toEqual(polled.body.data);
      expect(polled.body.user).toMatchObject({
        _id: session.id,
        membershipType: 'PRO',
        billingCycle: 'MONTHLY',
      });
      const expiry = new Date(polled.body.user.membershipExpiry as string).getTime();
      expect(expiry).toBeGreaterThan(Date.now() + 27 * DAY);
      expect(expiry).toBeLessThan(Date.now() + 32 * DAY);
      for (const secret of ['password', 'refreshToken', 'appliedPayments', '__v']) {
        expect(polled.body.user).not.toHaveProperty(secret);
      }
      expect(polled.body.user).toEqual((await session.get('/profile')).body.data);
    });

    /** A PRO member whose plan ends in 10 days, and a PRO MONTHLY renewal order. */
    const renewal = async () => {
      const session = await signUpAndLogIn(t);
      const expiry = new Date(Date.now() + 10 * DAY);
      await users().updateOne(
        { _id: new Types.ObjectId(session.id) },
        { $set: { membershipType: 'PRO', billingCycle: 'MONTHLY', membershipExpiry: expiry } },
      );
      const order = await newOrder(session);
      const paymentId = stub.addPayment(order.orderId).id;
      return { session, expiry, order, paymentId };
    };
    /** The plan was renewed from the old expiry exactly once (one month, not two). */
    const expectRenewedOnce = async (session: UserSession, from: Date, paymentId: string) => {
      const row = await userRow(session);
      expect(row).toMatchObject({ membershipType: 'PRO', billingCycle: 'MONTHLY' });
      const extended = (row!.membershipExpiry as Date).getTime() - from.getTime();
      expect(extended).toBeGreaterThanOrEqual(28 * DAY);
      expect(extended).toBeLessThanOrEqual(31 * DAY);
      expect((row!.appliedPayments as string[]).filter((id) => id === paymentId)).toHaveLength(1);
    };

    it('the same delivery replayed, and redelivered under a new id, extends the plan once', async () => {
      const { session, expiry, order, paymentId } = await renewal();
      const body = eventFor('payment.captured', order, paymentId);
      const first = await deliver(body, { eventId: 'evt_replayed_1' + order.orderId }).expect(200);
      expect(first.body.message).toBe('Webhook processed successfully');
      const replay = await deliver(body, { eventId: 'evt_replayed_1' + order.orderId }).expect(200);
      expect(replay.body).toEqual({ success: true, message: 'Payment already processed' });
      const redelivered = await deliver(body).expect(200);
      expect(redelivered.body.message).toBe('Payment already processed');
      const noId = await deliver(body, { eventId: null }).expect(200);
      expect(noId.body.message).toBe('Payment already processed');
      await expectRenewedOnce(session, expiry, paymentId);
      expect(
        await t.connection
          .collection('paymentwebhookevents')
          .countDocuments({ eventId: 'evt_replayed_1' + order.orderId }),
      ).toBe(1);
    });

    it('10 concurrent deliveries (same and different delivery ids) apply once', async () => {
      const { session, expiry, order, paymentId } = await renewal();
      const body = eventFor('payment.captured', order, paymentId);
      const paid = eventFor('order.paid', order, paymentId);
      const sameId = `evt_same_${order.orderId}`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i < 5 ? deliver(body, { eventId: sameId }) : deliver(i % 2 ? paid : body),
        ),
      );
      expect(answers.map((res) => res.status)).toEqual(Array(10).fill(200));
      const messages = answers.map((res) => res.body.message as string);
      expect(messages.filter((m) => m === 'Webhook processed successfully')).toHaveLength(1);
      expect(messages.filter((m) => m === 'Payment already processed')).toHaveLength(9);
      await expectRenewedOnce(session, expiry, paymentId);
      expect(await payments().findOne({ orderId: order.orderId })).toMatchObject({
        status: 'captured',
        paymentId,
      });
    });

    it('order.paid before payment.captured, and the webhook before verify, apply once', async () => {
      const { session, expiry, order, paymentId } = await renewal();
      const paid = await deliver(eventFor('order.paid', order, paymentId)).expect(200);
      expect(paid.body.message).toBe('Webhook processed successfully');
      const captured = await deliver(eventFor('payment.captured', order, paymentId)).expect(200);
      expect(captured.body.message).toBe('Payment already processed');
      // Checkout's handler returns after the webhook: verify succeeds and keeps `captured`.
      await session
        .post('/payment/verify', {
          razorpay_order_id: order.orderId,
          razorpay_payment_id: paymentId,
          razorpay_signature: checkoutSignature(order.orderId, paymentId),
        })
        .expect(200);
      expect(await payments().findOne({ orderId: order.orderId })).toMatchObject({
        status: 'captured',
        paymentId,
      });
      await expectRenewedOnce(session, expiry, paymentId);
      const polled = await session.get(`/payment/status/${order.orderId}`).expect(200);
      expect(polled.body).toMatchObject({ ready: true, user: { membershipType: 'PRO' } });
    });

    it('payment.failed marks the order failed; it never moves a captured payment back', async () => {
      const session = await signUpAndLogIn(t);
      const order = await newOrder(session);
      const failedRes = await deliver(eventFor('payment.failed', order, 'pay_failedattempt1'));
      expect(failedRes.status).toBe(200);
      expect(await payments().findOne({ orderId: order.orderId })).toMatchObject({
        status: 'failed',
      });
      // A later attempt on the same order succeeds (Razorpay allows retries on one order).
      const paymentId = stub.addPayment(order.orderId).id;
      await deliver(eventFor('payment.captured', order, paymentId)).expect(200);
      await deliver(eventFor('payment.failed', order, 'pay_failedattempt2')).expect(200);
      expect(await payments().findOne({ orderId: order.orderId })).toMatchObject({
        status: 'captured',
        paymentId,
      });
      expect(await userRow(session)).toMatchObject({ membershipType: 'PRO' });
    });

    /** Everything a rejected delivery must leave as it was. */
    const snapshot = async (session: UserSession, order: Order) => {
      const row = await userRow(session);
      const payment = await payments().findOne({ orderId: order.orderId });
      return {
        membership: [row?.membershipType, row?.billingCycle, row?.membershipExpiry],
        applied: row?.appliedPayments ?? [],
        payment: [payment?.status, payment?.paymentId],
      };
    };

    it('a tampered body, a wrong or missing signature: 400 Invalid webhook signature, nothing changes', async () => {
      const session = await signUpAndLogIn(t);
      const order = await newOrder(session);
      const before = await snapshot(session, order);
      const body = eventFor('payment.captured', order, 'pay_tampered00001');
      const raw = JSON.stringify(body);
      const tampered = raw.replace('"upi"', '"card"');
      const cases = [
        deliver(tampered, { signature: sign(raw) }),
        deliver(`${raw} `, { signature: sign(raw) }),
        deliver(raw, { signature: sign(raw, 'another-secret') }),
        deliver(raw, { signature: sign(raw).toUpperCase().slice(0, 63) }),
        deliver(raw, { signature: null }),
        deliver(raw, { signature: '' }),
      ];
      for (const res of await Promise.all(cases)) {
        expect({ status: res.status, body: res.body }).toEqual({
          status: 400,
          body: {
            success: false,
            message: 'Invalid webhook signature',
            code: 'PAYMENT_INVALID_WEBHOOK_SIGNATURE',
          },
        });
      }
      expect(await snapshot(session, order)).toEqual(before);
      expect(logged(logs.warn, /Webhook signature mismatch/)).toBe(true);
    });

    it.each([
      ['amount', { amount: 100 }],
      ['currency', { currency: 'USD' }],
      ['amount type', { amount: '49900' }],
    ])('a wrong %s: 200, no upgrade, an error log', async (_what, overrides) => {
      const session = await signUpAndLogIn(t);
      const order = await newOrder(session);
      const before = await snapshot(session, order);
      for (const name of ['payment.captured', 'order.paid']) {
        const res = await deliver(eventFor(name, order, 'pay_wrongamount01', overrides));
        expect({ status: res.status, body: res.body }).toEqual({
          status: 200,
          body: { success: true, message: 'Webhook processed successfully' },
        });
      }
      expect(await snapshot(session, order)).toEqual(before);
      expect(before.payment[0]).toBe('created');
      expect(logged(logs.error, /amount or currency differs/)).toBe(true);
    });

    it('an unknown order, an unknown event, an event without a payment: 200 and a log line', async () => {
      const unknown = { orderId: 'order_notours00001', amount: 49900 };
      const count = await payments().countDocuments();
      const res = await deliver(eventFor('payment.captured', unknown, 'pay_x')).expect(200);
      expect(res.body).toEqual({ success: true, message: 'Webhook processed successfully' });
      expect(logged(logs.warn, /unknown order/)).toBe(true);
      await deliver({ event: 'refund.created', payload: {} }).expect(200);
      expect(logged(logs.log, /not handled/)).toBe(true);
      await deliver({ event: 'payment.captured', payload: {} }).expect(200);
      await deliver('[]').expect(200);
      expect(logged(logs.warn, /without a payment entity/)).toBe(true);
      expect(await payments().countDocuments()).toBe(count);
    });

    it('malformed JSON with a valid signature is 400 and changes nothing', async () => {
      const session = await signUpAndLogIn(t);
      const order = await newOrder(session);
      const before = await snapshot(session, order);
      const raw = JSON.stringify(eventFor('payment.captured', order, 'pay_malformed0001'));
      const broken = raw.slice(0, -5);
      const res = await deliver(broken, { signature: sign(broken) });
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(await snapshot(session, order)).toEqual(before);
    });
  });
});

describe('Payments without Razorpay keys', () => {
  let t: TestApp;
  let session: UserSession;

  beforeAll(async () => {
    t = await createTestApp();
    session = await signUpAndLogIn(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('the API boots and every payment route answers 503 with a clear message', async () => {
    const message =
      'Payments are not available: the payment gateway is not configured on this server';
    for (const res of [
      await session.post('/payment/create', { membershipType: 'PRO', billingCycle: 'MONTHLY' }),
      await session.post('/payment/order', { membershipType: 'PRO', billingCycle: 'MONTHLY' }),
      await session.post('/payment/verify', {
        razorpay_order_id: 'order_a',
        razorpay_payment_id: 'pay_a',
        razorpay_signature: 'a'.repeat(64),
      }),
      await session.get('/payment/status/order_a'),
    ]) {
      expect({ status: res.status, body: res.body }).toEqual({
        status: 503,
        body: { success: false, message, code: 'PAYMENTS_NOT_CONFIGURED' },
      });
    }
    const webhook = await request(t.server)
      .post('/payment/webhook')
      .set('x-razorpay-signature', 'a'.repeat(64))
      .send({ event: 'payment.captured' });
    expect({ status: webhook.status, body: webhook.body }).toEqual({
      status: 503,
      body: { success: false, message, code: 'PAYMENTS_NOT_CONFIGURED' },
    });
    await session.get('/profile').expect(200);
  });
});
