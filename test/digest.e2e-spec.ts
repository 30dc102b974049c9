import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { Types } from 'mongoose';
import { loadConfig } from '../src/config/app-config';
import { DigestService } from '../src/modules/digest/digest.service';
import { EMAIL_QUEUE } from '../src/modules/mail/mail.constants';
import {
  SCHEDULED_QUEUE,
  ScheduledJob,
} from '../src/modules/scheduled-jobs/scheduled-jobs.constants';
import { WorkerModule } from '../src/worker.module';
import { createTestApp, TestApp, testEnvironment, uniqueNamespace } from './support/test-app';

const HOUR = 3_600_000;

/**
 * The digest's job scheduler adds one run per day, but a run can repeat (a retry, two runs racing
 * after a redeploy). Each receiver must get exactly one digest for "yesterday" in Asia/Kolkata.
 */
describe('Daily digest', () => {
  const namespace = uniqueNamespace('digest');
  let api: TestApp;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    api = await createTestApp({ namespace, keepData: true });
    for (let i = 0; i < 2; i++) {
      const moduleRef = await Test.createTestingModule({
        imports: [WorkerModule.forRoot(loadConfig(testEnvironment(namespace)))],
      }).compile();
      workers.push(await moduleRef.init());
    }
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await api.close();
  });

  it('two workers started: one digest scheduler (08:00 Asia/Kolkata) and one pending run', async () => {
    const queue = workers[0].get<Queue>(getQueueToken(SCHEDULED_QUEUE));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(Object.values(ScheduledJob).sort());
    expect(schedulers.find((s) => s.key === ScheduledJob.Digest)).toMatchObject({
      pattern: '0 8 * * *',
      tz: 'Asia/Kolkata',
    });
    const pending = await queue.getJobs(['delayed']);
    expect(pending.filter((job) => job.name === ScheduledJob.Digest)).toHaveLength(1);
  });

  it('two processes running the job at once leave one digest per receiver for yesterday (IST)', async () => {
    const users = api.connection.collection('users');
    const connections = api.connection.collection('connectionmodels');
    const mk = (name: string, verified = true) => ({
      _id: new Types.ObjectId(),
      firstName: name,
      emailId: `${name.toLowerCase()}@example.com`,
      password: 'x',
      emailVerified: verified,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const [asha, ravi, unverified, s1, s2, s3, s4] = [
      'Asha',
      'Ravi',
      'Hidden',
      'Sa',
      'Sb',
      'Sc',
      'Sd',
    ].map((n, i) => mk(n, i !== 2));
    // Turned the digest off (PATCH /profile/notifications or the email's unsubscribe link).
    const quiet = { ...mk('Quiet'), notificationPrefs: { digest: false } };
    await users.insertMany([asha, ravi, unverified, s1, s2, s3, s4, quiet]);
    // "now" = 2026-06-02 08:00 IST (02:30 UTC); yesterday IST = [2026-05-31T18:30Z, 2026-06-01T18:30Z)
    const now = new Date('2026-06-02T02:30:00.000Z');
    const at = (iso: string) => new Date(iso);
    const request = (
      from: { _id: Types.ObjectId },
      to: { _id: Types.ObjectId },
      createdAt: Date,
      status = 'interested',
    ) => ({
      pairKey: [String(from._id), String(to._id)].sort().join('_'),
      fromUserId: from._id,
      toUserId: to._id,
      status,
      createdAt,
      updatedAt: createdAt,
    });
    const deletedSender = { _id: new Types.ObjectId() };
    await connections.insertMany([
      request(s1, asha, at('2026-05-31T18:30:00.000Z')), // first ms of yesterday IST
      request(s2, asha, at('2026-06-01T18:29:59.999Z')), // last ms of yesterday IST
      request(s3, asha, at('2026-06-01T18:30:00.000Z')), // today IST: not counted
      request(s1, ravi, at('2026-06-01T10:00:00.000Z')),
      request(s2, ravi, at('2026-06-01T11:00:00.000Z'), 'accepted'), // not pending
      request(s4, ravi, at('2026-05-31T18:00:00.000Z')), // the day before: not counted
      request(s1, unverified, at('2026-06-01T09:00:00.000Z')), // unverified receiver: skipped
      request(s2, quiet, at('2026-06-01T09:00:00.000Z')), // digest turned off: skipped
      request(deletedSender, { _id: new Types.ObjectId() }, at('2026-06-01T09:00:00.000Z')), // deleted receiver
    ]);

    const results = await Promise.all(workers.map((w) => w.get(DigestService).run(now)));
    expect(results).toEqual([2, 2]); // the second add of a job id is a no-op

    const queue = api.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
    const jobs = await queue.getJobs([
      'waiting',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    ]);
    const digests = jobs.filter((job) => job.name === 'sendDigest');
    expect(
      digests
        .map((job) => ({ to: job.data.to, count: job.data.count }))
        .sort((x, y) => x.to.localeCompare(y.to)),
    ).toEqual([
      { to: 'asha@example.com', count: 2 },
      { to: 'ravi@example.com', count: 1 },
    ]);
    expect(digests.map((job) => job.id).sort()).toEqual(
      [`digest-${String(asha._id)}-2026-06-01`, `digest-${String(ravi._id)}-2026-06-01`].sort(),
    );

    // A later run for the same day (a retry) adds nothing.
    await workers[0].get(DigestService).run(new Date(now.getTime() + HOUR));
    const again = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed']);
    expect(again.filter((job) => job.name === 'sendDigest')).toHaveLength(2);
  });
});
