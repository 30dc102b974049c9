import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { EMAIL_QUEUE } from '../src/modules/mail/mail.constants';
import { randomClientIp, STRONG_PASSWORD } from './support/session';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Decision (contract §10 #43): once the account is saved, a queue outage never fails the signup.
 * The account stays, the failure is logged, and resend-verification sends a fresh link later.
 */
describe('Signup while the email queue is unavailable', () => {
  let t: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    t = await createTestApp();
    queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps the account (201) and a later resend queues the email', async () => {
    const add = jest.spyOn(queue, 'add').mockRejectedValueOnce(new Error('Connection is closed.'));
    const body = {
      firstName: 'Nisha',
      lastName: 'Das',
      emailId: 'nisha@example.com',
      password: STRONG_PASSWORD,
    };
    const res = await request(t.server)
      .post('/auth/signup')
      .set('X-Forwarded-For', randomClientIp())
      .send(body)
      .expect(201);
    expect(res.body.data.emailId).toBe('nisha@example.com');
    expect(add).toHaveBeenCalledTimes(1);
    expect(
      await t.connection.collection('users').countDocuments({ emailId: 'nisha@example.com' }),
    ).toBe(1);
    expect(await queue.getJobCounts('waiting', 'delayed', 'active')).toMatchObject({
      waiting: 0,
      delayed: 0,
      active: 0,
    });
    add.mockRestore();

    await request(t.server)
      .post('/auth/resend-verification')
      .set('X-Forwarded-For', randomClientIp())
      .send({ emailId: 'nisha@example.com' })
      .expect(200);
    const waiting = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(waiting.map((job) => [job.name, job.data.to])).toEqual([
      ['sendVerificationEmail', 'nisha@example.com'],
    ]);
    expect(waiting[0].opts).toMatchObject({
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
    });
  });

  it('a signup retried with the same email is a 409, not a second email', async () => {
    const body = {
      firstName: 'Omkar',
      lastName: 'Rane',
      emailId: 'omkar@example.com',
      password: STRONG_PASSWORD,
    };
    await request(t.server)
      .post('/auth/signup')
      .set('X-Forwarded-For', randomClientIp())
      .send(body)
      .expect(201);
    await request(t.server)
      .post('/auth/signup')
      .set('X-Forwarded-For', randomClientIp())
      .send(body)
      .expect(409);
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.filter((job) => job.data.to === 'omkar@example.com')).toHaveLength(1);
  });
});
