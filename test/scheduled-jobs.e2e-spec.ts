import { Queue } from 'bullmq';
import { MongoClient, ObjectId } from 'mongodb';
import { freePort } from '../scripts/services';
import { redisOptionsFromUrl } from '../src/common/redis/redis-options';
import { loadConfig } from '../src/config/app-config';
import { EMAIL_QUEUE } from '../src/modules/mail/mail.constants';
import {
  SCHEDULED_QUEUE,
  ScheduledJob,
} from '../src/modules/scheduled-jobs/scheduled-jobs.constants';
import { CuttableProxy, startCuttableProxy } from './support/cuttable-proxy';
import { PrivateRedis, waitUntil } from './support/private-redis';
import { parsePrometheus, sampleValue } from './support/prometheus';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { deleteRedisNamespace, testEnvironment, uniqueNamespace } from './support/test-app';

const TOKEN = 'scheduled-metrics-token-0123';
const DAY = 86_400_000;

/**
 * Scheduled jobs are BullMQ jobs: a run that throws is a failed attempt, retried, never a crash.
 * A spawned worker reaches the database through a proxy the test cuts; its digest (scheduled
 * every 2 s here) fails while the database is away, and the next run after it is back succeeds.
 */
describe('Scheduled jobs (spawned worker, database cut at the tick)', () => {
  const namespace = uniqueNamespace('scheduled');
  let proxy: CuttableProxy;
  let worker: SpawnedProcess;
  let mongo: MongoClient;
  let scheduled: Queue;
  let email: Queue;
  let env: Record<string, string | undefined>;
  let base: string;

  const scheduledJobs = async (result: string): Promise<number> => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const samples = parsePrometheus(await res.text());
    return (
      sampleValue(samples, 'devlink_scheduled_jobs_total', {
        job: ScheduledJob.Digest,
        result,
      }) ?? 0
    );
  };

  beforeAll(async () => {
    const shared = testEnvironment(namespace);
    const target = new URL(shared.MONGODB_URI!);
    proxy = await startCuttableProxy(Number(target.port));
    const viaProxy = new URL(shared.MONGODB_URI!);
    viaProxy.port = String(proxy.port);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = testEnvironment(namespace, {
      MONGODB_URI: viaProxy.toString(),
      DIGEST_CRON: '*/2 * * * * *',
      DIGEST_TIME_ZONE: 'UTC',
      WORKER_HEALTH_PORT: String(port),
      METRICS_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
    });
    const config = loadConfig(env);
    const connection = {
      connection: redisOptionsFromUrl(config.redis.url),
      prefix: `${config.redis.keyPrefix}:bull`,
    };
    scheduled = new Queue(SCHEDULED_QUEUE, connection);
    email = new Queue(EMAIL_QUEUE, connection);
    // A scheduler from an older release: the worker removes it at boot.
    await scheduled.upsertJobScheduler('retired-job', { pattern: '0 0 * * *' });
    mongo = await MongoClient.connect(shared.MONGODB_URI!);
    worker = spawnEntry('src/main.worker.ts', env);
    await worker.waitForOutput(/Worker ready/, 60000);
  }, 90000);

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await scheduled?.close();
    await email?.close();
    await mongo?.db(`devlink_${namespace}`).dropDatabase();
    await mongo?.close();
    await proxy?.close();
    await deleteRedisNamespace(loadConfig(testEnvironment(namespace)));
  });

  it('at boot: one scheduler per job, the retired one removed', async () => {
    const ids = (await scheduled.getJobSchedulers()).map((s) => s.key).sort();
    expect(ids).toEqual(Object.values(ScheduledJob).sort());
  });

  it('a run that fails with the database away is retried; the worker stays up; the next run works', async () => {
    // The database goes away: runs fail (server selection times out) and are counted as such.
    proxy.cut();
    await waitUntil(
      async () => (await scheduledJobs('retrying')) + (await scheduledJobs('failed')) > 0,
      'a failed digest attempt',
      60000,
    );
    expect(worker.child.exitCode).toBeNull();
    const attempted = await scheduled.getJobs(['delayed', 'failed', 'waiting', 'active']);
    expect(attempted.some((job) => job.name === ScheduledJob.Digest && job.attemptsMade > 0)).toBe(
      true,
    );

    // Meanwhile (through the test's own connection) a pending request arrives for "yesterday".
    const db = mongo.db(`devlink_${namespace}`);
    const asha = new ObjectId();
    const today = Math.floor(Date.now() / DAY) * DAY;
    await db.collection('users').insertMany([
      {
        _id: asha,
        firstName: 'Asha',
        emailId: 'asha@example.com',
        password: 'x',
        emailVerified: true,
      },
    ]);
    await db.collection('connectionmodels').insertOne({
      pairKey: `${asha.toHexString()}_sender`,
      fromUserId: new ObjectId(),
      toUserId: asha,
      status: 'interested',
      createdAt: new Date(today - 3_600_000),
      updatedAt: new Date(today - 3_600_000),
    });

    // The database is back: a later run completes and queues the digest.
    const completedBefore = await scheduledJobs('completed');
    proxy.restore();
    const digestId = `digest-${asha.toHexString()}-${new Date(today - DAY).toISOString().slice(0, 10)}`;
    await waitUntil(async () => (await email.getJob(digestId)) !== undefined, 'the digest', 60000);
    await waitUntil(
      async () => (await scheduledJobs('completed')) > completedBefore,
      'a completed digest run',
      30000,
    );
    expect((await email.getJob(digestId))?.data).toMatchObject({
      to: 'asha@example.com',
      count: 1,
    });
    expect(worker.child.exitCode).toBeNull();

    // And it still shuts down cleanly.
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 150000);
});

describe('Scheduled jobs (spawned worker, its Redis killed and restarted empty)', () => {
  const redis = new PrivateRedis();
  const namespace = uniqueNamespace('scheduledredis');
  let worker: SpawnedProcess | undefined;
  let scheduled: Queue | undefined;

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await scheduled?.close();
    await redis.stop();
  });

  it('the worker stays up through the outage, writes its schedulers again and runs the next tick', async () => {
    await redis.start();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = testEnvironment(namespace, {
      REDIS_URL: redis.url,
      DIGEST_CRON: '*/2 * * * * *',
      WORKER_HEALTH_PORT: String(port),
      METRICS_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
    });
    const completed = async (): Promise<number> => {
      const res = await fetch(`${base}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const samples = parsePrometheus(await res.text());
      return (
        sampleValue(samples, 'devlink_scheduled_jobs_total', {
          job: ScheduledJob.Digest,
          result: 'completed',
        }) ?? 0
      );
    };
    worker = spawnEntry('src/main.worker.ts', env);
    await worker.waitForOutput(/Worker ready/, 60000);
    await waitUntil(async () => (await completed()) > 0, 'a first digest run', 30000);

    await redis.stop();
    await waitUntil(
      async () => (await fetch(`${base}/health`)).status === 503,
      'the worker to see Redis gone',
    );
    expect(worker.child.exitCode).toBeNull();

    await redis.start(); // empty: the schedulers are gone with the data
    const before = await completed();
    const config = loadConfig(env);
    scheduled = new Queue(SCHEDULED_QUEUE, {
      connection: redisOptionsFromUrl(config.redis.url),
      prefix: `${config.redis.keyPrefix}:bull`,
    });
    await waitUntil(
      async () =>
        (await scheduled!.getJobSchedulers()).length === Object.values(ScheduledJob).length,
      'the schedulers written again',
      30000,
    );
    await waitUntil(
      async () => (await completed()) > before,
      'a digest run after the outage',
      30000,
    );
    expect(worker.child.exitCode).toBeNull();

    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 120000);
});
