import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '../src/config/app-config';
import { PaymentReconciliationService } from '../src/modules/payments/payment-reconciliation.service';
import { WorkerModule } from '../src/worker.module';
import { RazorpayStub } from './support/razorpay-stub';
import { signUpAndLogIn } from './support/session';
import { createTestApp, testEnvironment, TestApp, uniqueNamespace } from './support/test-app';

const KEY_ID = 'rzp_test_stub0000001';
const KEY_SECRET = 'stub-key-secret-0123456789';
const MINUTE = 60_000;

/** A capture whose webhook was lost is applied by the worker's reconciliation job, once. */
describe('Payment reconciliation (worker job, Razorpay stand-in)', () => {
  const namespace = uniqueNamespace('reconcile');
  let razorpay: RazorpayStub;
  let api: TestApp;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    razorpay = await new RazorpayStub(KEY_ID, KEY_SECRET).start();
    const env = {
      RAZORPAY_KEY_ID: KEY_ID,
      RAZORPAY_KEY_SECRET: KEY_SECRET,
      RAZORPAY_WEBHOOK_SECRET: 'stub-webhook-secret-0123456789',
      RAZORPAY_API_URL: razorpay.url,
    };
    api = await createTestApp({ namespace, env, keepData: true });
    for (let i = 0; i < 2; i++) {
      const moduleRef = await Test.createTestingModule({
        imports: [WorkerModule.forRoot(loadConfig(testEnvironment(namespace, env)))],
      }).compile();
      workers.push(await moduleRef.init());
    }
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await api.close();
    await razorpay.stop();
  });

  it('captures an order whose webhook was lost and grants the plan; a second run changes nothing', async () => {
    const buyer = await signUpAndLogIn(api);
    const created = await buyer
      .post('/payment/create', { membershipType: 'PRO', billingCycle: 'MONTHLY' })
      .expect(201);
    const orderId = created.body.data.orderId as string;
    // An abandoned order (no payment at the gateway) stays open.
    const abandoned = await buyer
      .post('/payment/create', { membershipType: 'PRO', billingCycle: 'YEARLY' })
      .expect(201);
    const paymentId = razorpay.addPayment(orderId).id; // captured; its webhook never arrives
    const payments = api.connection.collection('payments');
    const row = await payments.findOne({ orderId });
    const createdAt = row!.createdAt as Date;
    const jobs = workers.map((w) => w.get(PaymentReconciliationService));

    // 10 minutes after the order: too early to ask the gateway.
    const asked = () => razorpay.requests.filter((r) => r.method === 'GET').length;
    expect(await jobs[0].run(new Date(createdAt.getTime() + 10 * MINUTE))).toEqual({
      ran: true,
      checked: 0,
      captured: 0,
    });
    expect(asked()).toBe(0);

    // 20 minutes after: two runs at once (a retry racing a slow run); the capture applies once.
    const at = new Date(createdAt.getTime() + 20 * MINUTE);
    const results = await Promise.all(jobs.map((job) => job.run(at)));
    expect(results.map((r) => r.checked)).toEqual([2, 2]);
    expect(results[0].captured + results[1].captured).toBe(1);
    expect(await payments.findOne({ orderId })).toMatchObject({ status: 'captured', paymentId });
    expect(await payments.findOne({ orderId: abandoned.body.data.orderId })).toMatchObject({
      status: 'created',
    });
    const user = await api.connection.collection('users').findOne({ emailId: buyer.user.emailId });
    expect(user).toMatchObject({ membershipType: 'PRO', billingCycle: 'MONTHLY' });
    expect(user!.appliedPayments).toEqual([paymentId]);
    const expiry = user!.membershipExpiry as Date;
    const status = await buyer.get('/payment/status').expect(200);
    expect(JSON.stringify(status.body)).toContain('PRO');

    // The next run (5 minutes later) finds nothing to capture and changes nothing.
    const next = await jobs[1].run(new Date(at.getTime() + 5 * MINUTE));
    expect(next).toEqual({ ran: true, checked: 1, captured: 0 });
    const after = await api.connection.collection('users').findOne({ _id: user!._id });
    expect(after!.membershipExpiry).toEqual(expiry);
    expect(after!.appliedPayments).toEqual([paymentId]);
    expect(await payments.findOne({ orderId })).toMatchObject({ status: 'captured', paymentId });
  }, 30000);
});
