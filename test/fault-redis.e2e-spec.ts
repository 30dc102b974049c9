import { Queue } from 'bullmq';
import { MongoClient } from 'mongodb';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, Socket } from 'socket.io-client';
import { freePort } from '../scripts/services';
import { redisOptionsFromUrl } from '../src/common/redis/redis-options';
import { EMAIL_QUEUE } from '../src/modules/mail/mail.constants';
import { Answer, cookiesOf, HttpClient } from './support/http-client';
import { PrivateRedis, waitUntil } from './support/private-redis';
import { ResendStub, verificationTokenFrom } from './support/resend-stub';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { testEnvironment, uniqueNamespace } from './support/test-app';

const UNAVAILABLE = {
  success: false,
  message: 'Service temporarily unavailable, try again shortly',
  code: 'SERVICE_UNAVAILABLE',
};

/**
 * Issue 11: Redis is killed and restarted (same port, its AOF reloaded) while the API serves
 * requests and the worker is in the middle of sending emails. The API and the worker are real
 * processes on a Redis of this file alone; emails go to the Resend stand-in.
 */
describe('Fault: Redis restarted under traffic', () => {
  const namespace = uniqueNamespace('faultredis');
  const persistDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devlink-fault-redis-'));
  const redis = new PrivateRedis({ persistDir });
  const stub = new ResendStub();
  let api: SpawnedProcess;
  let worker: SpawnedProcess;
  let http: HttpClient;
  let queue: Queue;
  let annCookies = '';
  const env = () =>
    testEnvironment(namespace, {
      REDIS_URL: redis.url,
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: stub.url,
      MAIL_RETRY_DELAY_MS: '200',
      MAIL_LOCK_DURATION_MS: '2000',
      // Presence timers run several times during the outage.
      PRESENCE_HEARTBEAT_MS: '500',
      PRESENCE_SWEEP_MS: '500',
      PRESENCE_TTL_MS: '3000',
      LOG_LEVEL: 'info',
    });
  const sockets: Socket[] = [];
  /** A socket.io client with Ann's cookies; resolves once connected. */
  const openSocket = async () => {
    const socket = io(http.base, {
      path: '/socket.io',
      extraHeaders: { cookie: annCookies },
      transports: ['websocket'],
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      setTimeout(() => reject(new Error('socket did not connect')), 10000).unref();
    });
    return socket;
  };
  const nextOnlineList = (socket: Socket) =>
    new Promise<string[]>((resolve, reject) => {
      socket.once('onlineList', (ids: string[]) => resolve(ids));
      setTimeout(() => reject(new Error('no onlineList')), 10000).unref();
    });

  const signUp = (name: string) => http.signUp(name);
  const logIn = (name: string) => http.logIn(name);
  /** The verification emails the provider accepted for `name` (Ann also gets a welcome). */
  const sentTo = (name: string) =>
    stub.delivered.filter(
      (email) =>
        email.recipients[0] === `${name.toLowerCase()}@example.com` &&
        email.body.subject === 'Verify your DevLink email',
    );

  beforeAll(async () => {
    await redis.start();
    await stub.start();
    const port = await freePort();
    http = new HttpClient(`http://127.0.0.1:${port}`);
    api = spawnEntry('src/main.ts', { ...env(), PORT: String(port) });
    worker = spawnEntry('src/main.worker.ts', env());
    await Promise.all([
      api.waitForOutput(/API listening/, 90000),
      worker.waitForOutput(/Worker ready/, 90000),
    ]);
    queue = new Queue(EMAIL_QUEUE, {
      connection: redisOptionsFromUrl(redis.url),
      prefix: `test:${namespace}:bull`,
    });
    queue.on('error', () => undefined); // the outage below
  }, 120000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await queue?.close();
    for (const child of [api, worker]) child?.child.kill('SIGTERM');
    await Promise.all([api?.exited, worker?.exited]);
    await redis.stop();
    await stub.stop();
    fs.rmSync(persistDir, { recursive: true, force: true });
    const client = await MongoClient.connect(process.env.TEST_MONGODB_URI!);
    await client.db(`devlink_${namespace}`).dropDatabase();
    await client.close();
  });

  it('while Redis is down: 503 with the envelope and Retry-After, never 500, processes up', async () => {
    // Before the outage: Ann signs up, verifies through her email and logs in.
    expect((await signUp('Ann')).status).toBe(201);
    const [annEmail] = await stub.waitFor((e) => e.recipients[0] === 'ann@example.com');
    const verified = await http.call(
      'GET',
      `/auth/verify-email?token=${verificationTokenFrom(annEmail)}`,
    );
    expect(verified.status).toBe(200);
    const login = await logIn('Ann');
    expect(login.status).toBe(200);
    annCookies = cookiesOf(login);
    const annId = login.body.data._id as string;
    const socket = await openSocket();
    socket.emit('register', annId);
    expect(await nextOnlineList(socket)).toContain(annId);

    // The worker holds two jobs mid-send (the provider has them, the answers are held back)
    // and a third is queued behind them when Redis dies.
    stub.holdNext(2);
    expect((await signUp('Bob')).status).toBe(201);
    expect((await signUp('Cyd')).status).toBe(201);
    await waitUntil(() => stub.heldCount === 2, 'the worker to be mid-send on two emails');
    expect((await signUp('Dee')).status).toBe(201);
    await redis.stop();
    stub.releaseHeld(); // the worker now gets its answers but cannot record them

    const probes: [string, () => Promise<Answer>][] = [
      ['login', () => logIn('Ann')],
      ['signup', () => signUp('Eve')],
      [
        'refresh',
        () =>
          http.call('POST', '/auth/refresh', { cookie: annCookies.replace('accessToken', 'x') }),
      ],
      [
        'resend-verification',
        () =>
          http.call('POST', '/auth/resend-verification', { body: { emailId: 'bob@example.com' } }),
      ],
      ['profile', () => http.call('GET', '/profile', { cookie: annCookies })],
      ['feed', () => http.call('GET', '/user/feed?page=1', { cookie: annCookies })],
      ['feed page 2', () => http.call('GET', '/user/feed?page=2', { cookie: annCookies })],
      ['connections', () => http.call('GET', '/user/connections', { cookie: annCookies })],
      ['requests', () => http.call('GET', '/user/requests/received', { cookie: annCookies })],
      ['plan status', () => http.call('GET', '/payment/status', { cookie: annCookies })],
      [
        'edit',
        () => http.call('PATCH', '/profile/edit', { cookie: annCookies, body: { about: 'x' } }),
      ],
    ];
    const answers: Record<string, number> = {};
    for (const [name, probe] of probes) {
      const answer = await probe();
      answers[name] = answer.status;
      expect([200, 503]).toContain(answer.status);
      if (answer.status === 503) {
        expect(answer.body).toEqual(UNAVAILABLE);
        expect(answer.headers.get('retry-after')).toBe('5');
      }
    }
    // Rate-limited routes need their Redis counters: refused, and nothing was written.
    expect(answers).toMatchObject({ login: 503, signup: 503, refresh: 503 });

    // A socket opened during the outage connects (its session is read from the database), and
    // the presence heartbeats and sweeps failing meanwhile crash nothing.
    await openSocket();
    // Heartbeat and sweep rounds run and fail meanwhile (logged), and the API stays up.
    const presenceFailures = () =>
      (api.output().match(/Presence (?:heartbeat|sweep) failed/g) ?? []).length;
    const failuresBefore = presenceFailures();
    await waitUntil(
      () => Promise.resolve(presenceFailures() >= failuresBefore + 2),
      'two failed presence rounds during the outage',
      20000,
    );

    const ready = await http.call('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details).toMatchObject({
      mongodb: { status: 'up' },
      redis: { status: 'down' },
    });
    expect((await http.call('GET', '/health')).status).toBe(200);
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    expect(api.output()).not.toMatch(/"level":50.*Unhandled error/);
  }, 45000);

  it('after Redis returns: everything resumes without a restart, each email sent once', async () => {
    await redis.start();
    await waitUntil(
      async () => (await http.call('GET', '/health/ready')).status === 200,
      'readiness after Redis returned',
      15000,
    );
    const login = await logIn('Ann');
    expect(login.status).toBe(200);
    expect((await http.call('GET', '/profile', { cookie: annCookies })).status).toBe(200);
    // Presence works again on the socket opened before the outage.
    const annId = login.body.data._id as string;
    const [socket] = sockets;
    // (Her presence entry expired while Redis was away; the next heartbeat, ≤ 500 ms here,
    // marks her socket again.)
    await waitUntil(
      async () => {
        const online = nextOnlineList(socket);
        socket.emit('register', annId);
        return (await online).includes(annId);
      },
      'onlineList to list Ann again',
      10000,
    );
    // Eve's signup was refused during the outage (no account): she simply signs up again.
    expect((await signUp('Eve')).status).toBe(201);

    for (const name of ['Bob', 'Cyd', 'Dee', 'Eve']) {
      await stub.waitFor((e) => e.recipients[0] === `${name.toLowerCase()}@example.com`, 1, 20000);
    }
    // 5 verifications and Ann's welcome.
    let counts: Record<string, number> = {};
    await waitUntil(
      async () => {
        counts = await queue.getJobCounts('completed', 'active', 'wait', 'delayed', 'failed');
        return counts.completed === 6 && counts.active + counts.wait + counts.delayed === 0;
      },
      'every email job to complete',
      20000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(counts)}`);
    });
    // Every job has finished and none is waiting: nothing is left that could send again.
    for (const name of ['Ann', 'Bob', 'Cyd', 'Dee', 'Eve']) expect(sentTo(name)).toHaveLength(1);
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    // The jobs the worker held finished once Redis was back (the worker's BullMQ connection
    // queues commands while offline); had a lock expired meanwhile, the retry would carry the
    // same idempotency key and the provider would answer without a second email.
    for (const name of ['Bob', 'Cyd']) {
      const key = sentTo(name)[0].idempotencyKey;
      expect(key).toMatch(/^verification-[0-9a-f]{24}-[0-9a-f]{16}$/);
      expect(stub.requestKeys.filter((k) => k === key).length).toBeLessThanOrEqual(2);
    }
    // Completed jobs stay in Redis (and the dashboard): none holds a token from a link.
    const tokens = ['Ann', 'Bob', 'Cyd', 'Dee', 'Eve'].map((name) =>
      verificationTokenFrom(sentTo(name)[0]),
    );
    const completed = await queue.getJobs(['completed']);
    expect(completed).toHaveLength(6);
    for (const job of completed) {
      for (const token of tokens) expect(JSON.stringify(job.data)).not.toContain(token);
    }
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  }, 45000);
});
