import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { EMAIL_QUEUE } from '../src/modules/mail/mail.constants';
import { RazorpayStub } from './support/razorpay-stub';
import { ResendStub } from './support/resend-stub';
import { signUpAndLogIn } from './support/session';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { createTestApp, testEnvironment, TestApp, uniqueNamespace } from './support/test-app';

const KEY_ID = 'rzp_test_stub0000001';
const KEY_SECRET = 'stub-key-secret-0123456789';
const WEBHOOK_SECRET = 'stub-webhook-secret-0123456789';

/** Signed capture → plan granted → one `sendPaymentReceipt` job → one email through the worker. */
describe('Payment receipt email (worker process, Resend stand-in)', () => {
  const namespace = uniqueNamespace('receipt');
  const resend = new ResendStub();
  let razorpay: RazorpayStub;
  let t: TestApp;
  let worker: SpawnedProcess;

  beforeAll(async () => {
    await resend.start();
    razorpay = await new RazorpayStub(KEY_ID, KEY_SECRET).start();
    const env = {
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: resend.url,
      MAIL_RETRY_DELAY_MS: '200',
      RAZORPAY_KEY_ID: KEY_ID,
      RAZORPAY_KEY_SECRET: KEY_SECRET,
      RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RAZORPAY_API_URL: razorpay.url,
    };
    t = await createTestApp({ namespace, env });
    worker = spawnEntry(
      'src/main.worker.ts',
      testEnvironment(namespace, { ...env, LOG_LEVEL: 'info' }),
    );
    await worker.waitForOutput(/Worker ready/);
  });

  afterAll(async () => {
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    await t.close();
    await razorpay.stop();
    await resend.stop();
  });

  const deliver = (body: object, eventId: string) => {
    const raw = JSON.stringify(body);
    return request(t.server)
      .post('/payment/webhook')
      .set('Content-Type', 'application/json')
      .set('x-razorpay-signature', createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex'))
      .set('x-razorpay-event-id', eventId)
      .send(raw);
  };

  /** Resolves once the worker has taken every job queued so far to an end (none waiting or running). */
  const queueSettled = async () => {
    const queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline)
        throw new Error(`email queue not settled: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const captured = (event: string, orderId: string, paymentId: string, amount: number) => ({
    entity: 'event',
    event,
    contains: ['payment'],
    payload: {
      payment: {
        entity: {
          id: paymentId,
          entity: 'payment',
          amount,
          currency: 'INR',
          status: 'captured',
          order_id: orderId,
        },
      },
    },
    created_at: Math.floor(Date.now() / 1000),
  });

  it('a signed capture sends exactly one receipt; replays and order.paid send none', async () => {
    const buyer = await signUpAndLogIn(t);
    // The signup DTO refuses markup in names; older rows may hold any text: the template escapes it.
    await t.connection
      .collection('users')
      .updateOne({ emailId: buyer.user.emailId }, { $set: { firstName: '<i>Asha</i>' } });
    const order = await buyer
      .post('/payment/create', { membershipType: 'ELITE', billingCycle: 'YEARLY' })
      .expect(201);
    const { orderId, amount } = order.body.data as { orderId: string; amount: number };
    const paymentId = razorpay.addPayment(orderId).id;

    const first = await deliver(
      captured('payment.captured', orderId, paymentId, amount),
      `evt_a_${orderId}`,
    );
    expect(first.body.message).toBe('Webhook processed successfully');
    const replays = await Promise.all([
      deliver(captured('payment.captured', orderId, paymentId, amount), `evt_b_${orderId}`),
      deliver(captured('order.paid', orderId, paymentId, amount), `evt_c_${orderId}`),
      deliver(captured('payment.captured', orderId, paymentId, amount), `evt_a_${orderId}`),
    ]);
    expect(replays.map((r) => r.body.message)).toEqual(Array(3).fill('Payment already processed'));

    const isReceipt = (e: { body: { subject: string } }) => e.body.subject.includes('receipt');
    const [email] = await resend.waitFor(isReceipt);
    // Every webhook answered after enqueueing: a wrong extra receipt is a job, done by now.
    await queueSettled();
    expect(resend.delivered.filter(isReceipt)).toHaveLength(1);

    const user = await t.connection.collection('users').findOne({ emailId: buyer.user.emailId });
    const expiry = user?.membershipExpiry as Date;
    expect(user?.membershipType).toBe('ELITE');
    expect(email.recipients).toEqual([buyer.user.emailId]);
    expect(email.idempotencyKey).toBe(`receipt-${paymentId}`);
    expect(email.body.subject).toBe('Your DevLink Elite receipt');
    const day = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(expiry);
    for (const part of [email.body.text, email.body.html]) {
      expect(part).toContain('Plan: Elite (Yearly)');
      expect(part).toContain('Amount paid: ₹7,999.00');
      expect(part).toContain(`Valid until: ${day}`);
    }
    expect(email.body.html).toContain('&lt;i&gt;Asha&lt;/i&gt;');
    expect(email.body.html).not.toContain('<i>Asha');
  }, 30000);
});
