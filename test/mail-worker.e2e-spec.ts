import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Types } from 'mongoose';
import request from 'supertest';
import { EMAIL_QUEUE } from '../src/modules/mail/mail.constants';
import { MailProducer } from '../src/modules/mail/mail.producer';
import { ResendStub, verificationTokenFrom } from './support/resend-stub';
import { STRONG_PASSWORD } from './support/session';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { createTestApp, testEnvironment, TestApp, uniqueNamespace } from './support/test-app';

/** The worker process against a local Resend stand-in: rate limit, retries, dedupe, bad jobs. */
describe('Mail worker (BullMQ processor in its own process)', () => {
  const namespace = uniqueNamespace('mail');
  const stub = new ResendStub();
  let t: TestApp;
  let worker: SpawnedProcess;
  let producer: MailProducer;

  beforeAll(async () => {
    await stub.start();
    const env = {
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: stub.url,
      MAIL_RETRY_DELAY_MS: '200',
    };
    t = await createTestApp({ namespace, env });
    producer = t.app.get(MailProducer);
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
    await stub.stop();
  });

  /** Resolves once the job has finished: no attempt of it can send anything after that. */
  const finished = async (jobId: string) => {
    const queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
    const deadline = Date.now() + 10000;
    while (!(await queue.getJob(jobId))?.finishedOn) {
      if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish in time`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return (await queue.getJob(jobId))!;
  };

  const welcome = (name: string) => ({
    userId: new Types.ObjectId().toHexString(),
    to: `${name}@example.com`,
    firstName: name,
  });

  it('sends at most 2 emails per second: the 10th email cannot leave before 4 windows have passed', async () => {
    const jobs = Array.from({ length: 10 }, (_, i) => welcome(`rate${i}`));
    const enqueued = Date.now();
    await Promise.all(jobs.map((job) => producer.sendWelcome(job)));
    const delivered = await stub.waitFor((e) => e.recipients[0].startsWith('rate'), 10);
    const lastArrival = Math.max(...delivered.map((e) => e.receivedAt));
    // A lower bound only: 10 jobs at 2 per 1 s window start in the 5th window at the earliest,
    // counted from before they were enqueued. A slow machine makes the span longer, never shorter;
    // without the limiter all 10 arrive within a few hundred ms.
    expect(lastArrival - enqueued).toBeGreaterThanOrEqual(3900); // 100 ms for millisecond rounding
    expect(new Set(delivered.map((e) => e.recipients[0])).size).toBe(10);
  }, 30000);

  it('a provider answering 500 twice then 200 still delivers exactly one email', async () => {
    const requestsBefore = stub.requests;
    stub.failNext(2);
    await producer.sendWelcome(welcome('retry'));
    const delivered = await stub.waitFor((e) => e.recipients[0] === 'retry@example.com');
    const job = await finished(delivered[0].idempotencyKey!);
    expect(await job.isCompleted()).toBe(true);
    expect(job.attemptsMade).toBe(3);
    expect(stub.delivered.filter((e) => e.recipients[0] === 'retry@example.com')).toHaveLength(1);
    expect(stub.requests - requestsBefore).toBe(3);
    expect(delivered[0].idempotencyKey).toMatch(/^welcome-[0-9a-f]{24}$/);
  });

  it('the same (user, kind) is queued once: a repeated welcome is not sent twice', async () => {
    const job = welcome('once');
    expect(await producer.sendWelcome(job)).toBe(true);
    expect(await producer.sendWelcome(job)).toBe(true);
    const [email] = await stub.waitFor((e) => e.recipients[0] === 'once@example.com');
    // One job under that id, finished: the second enqueue added nothing that could send later.
    await finished(email.idempotencyKey!);
    const queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
    const pending = await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
    expect(pending.filter((queued) => queued.data.to === 'once@example.com')).toEqual([]);
    expect(stub.delivered.filter((e) => e.recipients[0] === 'once@example.com')).toHaveLength(1);
  });

  it('an unknown job type fails after its retries and is kept for inspection', async () => {
    const queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
    const job = await queue.add('sendPostcard', welcome('postcard'));
    const deadline = Date.now() + 10000;
    while (!(await job.isFailed())) {
      if (Date.now() > deadline) throw new Error('job did not fail in time');
      await new Promise((r) => setTimeout(r, 100));
    }
    const failed = await queue.getJob(job.id!);
    expect(failed!.failedReason).toBe('unknown job type: sendPostcard');
    expect(failed!.attemptsMade).toBe(3);
  });

  it('a verification job keeps no token: only a nonce the link cannot be rebuilt from without the server secret', async () => {
    const emailId = 'nonce.check@example.com';
    await request(t.server)
      .post('/auth/signup')
      .send({ firstName: 'Noor', lastName: 'Check', emailId, password: STRONG_PASSWORD })
      .expect(201);
    const [email] = await stub.waitFor(
      (e) => e.recipients[0] === emailId && e.body.subject === 'Verify your DevLink email',
    );
    const token = verificationTokenFrom(email);

    // The completed job, as BullMQ and the dashboard read it, and its raw hash in Redis.
    const queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
    const jobId = email.idempotencyKey!;
    const deadline = Date.now() + 10000;
    while (!(await queue.getJob(jobId))?.finishedOn) {
      if (Date.now() > deadline) throw new Error('job did not complete in time');
      await new Promise((r) => setTimeout(r, 50));
    }
    const job = (await queue.getJob(jobId))!;
    expect(await job.isCompleted()).toBe(true);
    expect(Object.keys(job.data as object).sort()).toEqual([
      'firstName',
      'to',
      'tokenNonce',
      'userId',
    ]);
    const raw = await (await queue.client).hgetall(queue.toKey(jobId));
    expect(raw.data).toContain((job.data as { tokenNonce: string }).tokenNonce);
    for (const value of Object.values(raw)) expect(value).not.toContain(token);

    // The link in the email still verifies, once.
    await request(t.server).get(`/auth/verify-email?token=${token}`).expect(200);
    const user = await t.connection.collection('users').findOne({ emailId });
    expect(user?.emailVerified).toBe(true);
    await request(t.server).get(`/auth/verify-email?token=${token}`).expect(400);
  });

  it('logs each sent email with its job id and no address', () => {
    const sentLines = worker
      .output()
      .split('\n')
      .filter((line) => line.includes('"Email sent"'));
    expect(sentLines.length).toBeGreaterThanOrEqual(12);
    const line = JSON.parse(sentLines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({ process: 'worker', msg: 'Email sent' });
    expect(line.jobId).toEqual(expect.any(String));
    expect(sentLines.join('\n')).not.toContain('@example.com');
  });
});
