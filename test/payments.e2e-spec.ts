import { createHmac } from 'node:crypto';
import { Types } from 'mongoose';
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
    expect(res.body).toEqual({ success: false, message: 'Invalid input' });
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
      expect(res.body).toEqual({ success: false, message: 'Missing payment details' });
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
        expect(res.body).toEqual({ success: false, message: 'Invalid signature' });
      }
      expect((await payments().findOne({ orderId }))?.status).toBe('created');
    });

    it("someone else's order is 404 Payment not found, even with a valid signature", async () => {
      const res = await other.post('/payment/verify', verifyBody('pay_A')).expect(404);
      expect(res.body).toEqual({ success: false, message: 'Payment not found' });
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
        body: { success: false, message },
      });
    }
    await session.get('/profile').expect(200);
  });
});
