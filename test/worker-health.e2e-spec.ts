import { Queue } from 'bullmq';
import { createServer } from 'node:net';
import { freePort } from '../scripts/services';
import { redisOptionsFromUrl } from '../src/common/redis/redis-options';
import { EMAIL_QUEUE, EmailJob } from '../src/modules/mail/mail.constants';
import { PrivateRedis, waitUntil } from './support/private-redis';
import { parsePrometheus, sampleValue } from './support/prometheus';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { deleteRedisNamespace, testEnvironment, uniqueNamespace } from './support/test-app';
import { loadConfig } from '../src/config/app-config';

const TOKEN = 'worker-metrics-token-0123';
const SCHEDULES = [
  'daily-digest',
  'membership-downgrade',
  'notification-cleanup',
  'payment-reconciliation',
  'session-cleanup',
];

interface Health {
  status: string;
  uptime: number;
  queue: { name: string; connected: boolean; counts?: Record<string, number>; error?: string };
  lastJobCompletedAt: string | null;
  schedules: Record<string, { pattern: string; tz: string | null; nextRun: string | null }>;
}

async function getHealth(base: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${base}/health`);
  return { status: res.status, body: (await res.json()) as Health };
}

/** SIGTERM, then exit 0; otherwise the worker's last output says why (a forced exit, a failed close). */
async function stop(worker: SpawnedProcess): Promise<void> {
  worker.child.kill('SIGTERM');
  const { code } = await worker.exited;
  if (code !== 0)
    throw new Error(`worker exited ${code}; its last output:\n${worker.output().slice(-4000)}`);
}

/** The worker process's own HTTP endpoint (WORKER_HEALTH_PORT): probes and its metrics. */
describe('Worker health and metrics (spawned worker)', () => {
  const namespace = uniqueNamespace('workerhealth');
  let worker: SpawnedProcess;
  let base: string;
  let queue: Queue;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = testEnvironment(namespace, {
      WORKER_HEALTH_PORT: String(port),
      METRICS_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
    });
    worker = spawnEntry('src/main.worker.ts', env);
    await worker.waitForOutput(/Worker ready/);
    const config = loadConfig(env);
    queue = new Queue(EMAIL_QUEUE, {
      connection: redisOptionsFromUrl(config.redis.url),
      prefix: `${config.redis.keyPrefix}:bull`,
    });
  });

  afterAll(async () => {
    await queue.close();
    await stop(worker);
    await deleteRedisNamespace(loadConfig(testEnvironment(namespace)));
  });

  it('listens before it reports ready, and says where', () => {
    const output = worker.output();
    expect(output.indexOf('Worker health on port')).toBeGreaterThan(-1);
    expect(output.indexOf('Worker health on port')).toBeLessThan(output.indexOf('Worker ready'));
  });

  it('GET /health: 200, the queue connected, no job yet, every job scheduler with its next run', async () => {
    const { status, body } = await getHealth(base);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      queue: { name: EMAIL_QUEUE, connected: true, counts: { waiting: 0, failed: 0 } },
      lastJobCompletedAt: null,
    });
    expect(Object.keys(body.schedules)).toEqual(SCHEDULES);
    expect(body.schedules['daily-digest']).toMatchObject({
      pattern: '0 8 * * *',
      tz: 'Asia/Kolkata',
    });
    for (const job of SCHEDULES) {
      expect(Date.parse(body.schedules[job].nextRun!)).toBeGreaterThan(Date.now());
    }
  });

  it('a completed email job shows in /health and in the worker metrics', async () => {
    const before = Date.now();
    await queue.add(EmailJob.Welcome, {
      userId: '665f1c2e9b1e8a0012345678',
      to: 'health@example.com',
      firstName: 'Health',
    });
    let body: Health | undefined;
    await waitUntil(
      async () => {
        body = (await getHealth(base)).body;
        return body.lastJobCompletedAt !== null;
      },
      'the job to complete',
      10000,
    );
    expect(Date.parse(body!.lastJobCompletedAt!)).toBeGreaterThanOrEqual(before - 1000);

    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const samples = parsePrometheus(await res.text());
    expect(
      sampleValue(samples, 'devlink_emails_total', { job: 'sendWelcomeEmail', result: 'sent' }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'devlink_queue_jobs', { queue: EMAIL_QUEUE, state: 'completed' }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'devlink_queue_last_completed_job_timestamp_seconds', {
        queue: EMAIL_QUEUE,
      }),
    ).toBeGreaterThan(before / 1000 - 1);
    expect(
      sampleValue(samples, 'devlink_queue_jobs', { queue: 'scheduled', state: 'delayed' }),
    ).toBe(SCHEDULES.length);
    // The worker's own MongoDB commands (index checks at boot at least) are timed too.
    const mongoCommands = samples.filter(
      (s) => s.name === 'devlink_mongodb_command_duration_seconds_count',
    );
    expect(mongoCommands.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThan(0);
    expect(samples.find((s) => s.name === 'process_resident_memory_bytes')?.labels).toEqual({
      process: 'worker',
    });
    // No HTTP histogram in the worker: it serves no API.
    expect(samples.some((s) => s.name.startsWith('devlink_http_'))).toBe(false);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${TOKEN}x`],
    ['basic credentials', `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}`],
  ])('GET /metrics with %s: 401, no metrics', async (_case, authorization) => {
    const res = await fetch(`${base}/metrics`, {
      headers: authorization ? { authorization } : {},
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await res.json()).toEqual({
      success: false,
      message: 'A valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)',
      code: 'METRICS_TOKEN_REQUIRED',
    });
  });

  it('anything else: 404', async () => {
    for (const path of ['/', '/healthz', '/admin/queues']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        success: false,
        message: 'Not Found',
        code: 'ROUTE_NOT_FOUND',
      });
    }
    expect((await fetch(`${base}/health`, { method: 'POST' })).status).toBe(404);
  });
});

describe('Worker health when its Redis goes away (a Redis of this file alone)', () => {
  const redis = new PrivateRedis();
  let worker: SpawnedProcess | undefined;

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await redis.stop();
  });

  it('503 with the queue disconnected while Redis is down, 200 again once it is back; exits 0', async () => {
    await redis.start();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    worker = spawnEntry(
      'src/main.worker.ts',
      testEnvironment(uniqueNamespace('workerdown'), {
        REDIS_URL: redis.url,
        WORKER_HEALTH_PORT: String(port),
        LOG_LEVEL: 'info',
      }),
    );
    await worker.waitForOutput(/Worker ready/);
    expect((await getHealth(base)).status).toBe(200);
    // Without METRICS_TOKEN the worker serves no metrics.
    expect((await fetch(`${base}/metrics`)).status).toBe(404);

    await redis.stop();
    const down = await getHealth(base);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      status: 'error',
      queue: { name: EMAIL_QUEUE, connected: false },
    });
    expect(down.body.queue.error).toEqual(expect.any(String));

    await redis.start();
    await waitUntil(async () => (await getHealth(base)).status === 200, 'health 200 again', 15000);
    await stop(worker);
  }, 45000);
});

describe('Worker health port already in use', () => {
  it('the worker does not start: exit 1 naming the address in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const worker = spawnEntry(
        'src/main.worker.ts',
        testEnvironment(uniqueNamespace('workerport'), { WORKER_HEALTH_PORT: String(port) }),
      );
      const { code } = await worker.exited;
      expect(code).toBe(1);
      expect(worker.output()).toContain('EADDRINUSE');
      expect(worker.output()).not.toContain('Worker ready');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
