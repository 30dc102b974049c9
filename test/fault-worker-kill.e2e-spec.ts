import { Queue } from 'bullmq';
import { freePort } from '../scripts/services';
import { redisOptionsFromUrl } from '../src/common/redis/redis-options';
import { loadConfig } from '../src/config/app-config';
import { EMAIL_QUEUE } from '../src/modules/mail/mail.constants';
import { HttpClient } from './support/http-client';
import { waitUntil } from './support/private-redis';
import { ResendStub, verificationTokenFrom } from './support/resend-stub';
import { STRONG_PASSWORD } from './support/session';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { createTestApp, testEnvironment, TestApp, uniqueNamespace } from './support/test-app';

/** The lock the test workers take (MAIL_LOCK_DURATION_MS; production default 30 s). */
const LOCK_MS = 2000;

/**
 * Issue 11: the worker is killed (SIGKILL) while it waits for the provider's answer to an email
 * the provider has already accepted. A restarted worker must pick the job up again (BullMQ
 * stalled-job recovery, within about three lock durations) and the provider must not send a
 * second email (the job id is the Resend idempotency key).
 */
describe('Fault: worker killed in the middle of sending', () => {
  const namespace = uniqueNamespace('faultkill');
  const stub = new ResendStub();
  let api: SpawnedProcess;
  let worker: SpawnedProcess;
  let http: HttpClient;
  let queue: Queue;
  let data: TestApp;
  const env = () =>
    testEnvironment(namespace, {
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: stub.url,
      MAIL_RETRY_DELAY_MS: '200',
      MAIL_LOCK_DURATION_MS: String(LOCK_MS),
      LOG_LEVEL: 'info',
    });
  const startWorker = async () => {
    worker = spawnEntry('src/main.worker.ts', env());
    await worker.waitForOutput(/Worker ready/, 90000);
  };

  beforeAll(async () => {
    await stub.start();
    const port = await freePort();
    http = new HttpClient(`http://127.0.0.1:${port}`);
    api = spawnEntry('src/main.ts', { ...env(), PORT: String(port) });
    await Promise.all([api.waitForOutput(/API listening/, 90000), startWorker()]);
    const config = loadConfig(env());
    queue = new Queue(EMAIL_QUEUE, {
      connection: redisOptionsFromUrl(config.redis.url),
      prefix: `${config.redis.keyPrefix}:bull`,
    });
  }, 120000);

  afterAll(async () => {
    await queue?.close();
    for (const child of [api, worker]) child?.child.kill('SIGTERM');
    await Promise.all([api?.exited, worker?.exited]);
    // An app on the same namespace, only to drop its database and Redis keys.
    data = await createTestApp({ namespace });
    await data.close();
    await stub.stop();
  });

  it('after a restart the email is sent exactly once and the job completes', async () => {
    stub.holdNext(1);
    const signup = await http.call('POST', '/auth/signup', {
      body: {
        firstName: 'Kim',
        lastName: 'Fault',
        emailId: 'kim@example.com',
        password: STRONG_PASSWORD,
      },
    });
    expect(signup.status).toBe(201);
    await waitUntil(() => stub.heldCount === 1, 'the worker to be waiting on the provider');
    const [job] = await queue.getJobs(['active']);
    expect(job.name).toBe('sendVerificationEmail');
    expect(job.data.to).toBe('kim@example.com');

    worker.child.kill('SIGKILL');
    expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
    stub.releaseHeld(); // the answer goes nowhere: the sender is gone
    expect(await queue.getJobState(job.id!)).toBe('active'); // held by a dead worker

    await startWorker();
    await waitUntil(
      async () => (await queue.getJobState(job.id!)) === 'completed',
      'the job to complete after the restart',
      45_000, // a patience limit, not a claim about speed: the lock expires after LOCK_MS
    ).catch(async (error: Error) => {
      const stuck = await queue.getJob(job.id!);
      throw new Error(
        `${error.message}: state ${await queue.getJobState(job.id!)}, ${JSON.stringify(stuck?.toJSON())}\n${worker.output().slice(-3000)}`,
      );
    });

    const sent = stub.delivered.filter((e) => e.recipients[0] === 'kim@example.com');
    expect(sent).toHaveLength(1);
    expect(sent[0].idempotencyKey).toBe(job.id);
    // Sent twice with the same key; the provider answered the retry with the original id.
    expect(stub.requestKeys.filter((key) => key === job.id)).toHaveLength(2);
    const completed = await queue.getJob(job.id!);
    expect(completed!.returnvalue).toBe(sent[0].id);
    expect(await queue.getJobCounts('active', 'wait', 'delayed', 'failed')).toEqual({
      active: 0,
      wait: 0,
      delayed: 0,
      failed: 0,
    });
    // The job is completed in Redis before the worker's log line reaches its stdout.
    await worker.waitForOutput(/"Email sent"/, 10_000);

    // The one email works: its link verifies the account.
    const verified = await http.call(
      'GET',
      `/auth/verify-email?token=${verificationTokenFrom(sent[0])}`,
    );
    expect(verified.status).toBe(200);
  }, 60000);
});
