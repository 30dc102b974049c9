import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue, Worker } from 'bullmq';
import { MISSED_MESSAGES_QUEUE } from '../src/modules/missed-messages/missed-messages.constants';
import request from 'supertest';
import { redisOptionsFromUrl } from '../src/common/redis/redis-options';
import { EMAIL_QUEUE, EmailJob } from '../src/modules/mail/mail.constants';
import { SCHEDULED_QUEUE } from '../src/modules/scheduled-jobs/scheduled-jobs.constants';
import { createTestApp, TestApp } from './support/test-app';

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'dashboard-password-0123' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const RIGHT = basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD);
const REFUSAL = {
  success: false,
  message: 'The queue dashboard needs the administrator user name and password',
  code: 'QUEUE_DASHBOARD_CREDENTIALS_REQUIRED',
};

describe('Queue dashboard (Bull Board at /admin/queues, HTTP basic auth)', () => {
  let t: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN });
    queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
  });

  afterAll(async () => {
    await t.close();
  });

  /** A job in the failed set, as a worker that gave up on it leaves it (no retries left). */
  async function failedJob(reason: string): Promise<Job> {
    const job = await queue.add(
      EmailJob.Welcome,
      { userId: 'u1', to: 'failed@example.com', firstName: 'Failed' },
      { attempts: 1 },
    );
    const worker = new Worker(EMAIL_QUEUE, null, {
      connection: redisOptionsFromUrl(t.config.redis.url),
      prefix: `${t.config.redis.keyPrefix}:bull`,
      autorun: false,
    });
    try {
      const token = 'test-token';
      const taken = (await worker.getNextJob(token)) as Job;
      expect(taken.id).toBe(job.id);
      await taken.moveToFailed(new Error(reason), token);
    } finally {
      await worker.close();
    }
    expect(await job.getState()).toBe('failed');
    return job;
  }

  it.each([
    ['no credentials', undefined],
    ['a wrong password', basic('ops', 'dashboard-password-0124')],
    ['a wrong user', basic('admin', ADMIN.ADMIN_PASSWORD)],
    ['a bearer token', `Bearer ${ADMIN.ADMIN_PASSWORD}`],
  ])('%s: 401 with a Basic challenge, for the page and for the API', async (_case, auth) => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const req = request(t.server).get(path);
      if (auth) req.set('Authorization', auth);
      const res = await req.expect(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="queues", charset="UTF-8"');
      expect(res.body).toEqual(REFUSAL);
    }
  });

  it('the right credentials: the page, and the API lists the email and scheduled queues', async () => {
    const page = await request(t.server)
      .get('/admin/queues')
      .set('Authorization', RIGHT)
      .expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('DevLink queues');

    const res = await request(t.server)
      .get('/admin/queues/api/queues')
      .set('Authorization', RIGHT)
      .expect(200);
    const queues = res.body.queues as { name: string; counts: object }[];
    expect(queues.map((q) => q.name).sort()).toEqual(
      [EMAIL_QUEUE, SCHEDULED_QUEUE, MISSED_MESSAGES_QUEUE].sort(),
    );
    expect(queues.find((q) => q.name === EMAIL_QUEUE)?.counts).toMatchObject({
      failed: 0,
      completed: 0,
    });
  });

  it('a failed job can be inspected and retried: it leaves the failed set', async () => {
    const job = await failedJob('provider said no');

    const listed = await request(t.server)
      .get(`/admin/queues/api/queues?activeQueue=${EMAIL_QUEUE}&status=failed`)
      .set('Authorization', RIGHT)
      .expect(200);
    const emailQueue = (listed.body.queues as { name: string; jobs: object[] }[]).find(
      (q) => q.name === EMAIL_QUEUE,
    );
    expect(emailQueue?.jobs).toEqual([
      expect.objectContaining({
        id: job.id,
        name: EmailJob.Welcome,
        failedReason: 'provider said no',
      }),
    ]);

    // Unauthenticated: refused, and the job stays failed.
    await request(t.server)
      .put(`/admin/queues/api/queues/${EMAIL_QUEUE}/${job.id}/retry`)
      .expect(401);
    expect(await job.getState()).toBe('failed');

    await request(t.server)
      .put(`/admin/queues/api/queues/${EMAIL_QUEUE}/${job.id}/retry`)
      .set('Authorization', RIGHT)
      .expect(204);
    expect(await job.getState()).toBe('waiting');
    expect(await queue.getJobCounts('failed', 'waiting')).toMatchObject({ failed: 0, waiting: 1 });
  });
});

// Its own app (passport's strategies are process-global: see metrics.e2e-spec.ts).
describe('Queue dashboard without ADMIN_USER / ADMIN_PASSWORD', () => {
  it('is not mounted: 404 for the page and the API, whatever the credentials', async () => {
    const plain = await createTestApp();
    try {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const res = await request(plain.server).get(path).set('Authorization', RIGHT).expect(404);
        expect(res.body).toEqual({ success: false, message: 'Not Found', code: 'ROUTE_NOT_FOUND' });
      }
    } finally {
      await plain.close();
    }
  });
});
