import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Types } from 'mongoose';
import { loadConfig } from '../src/config/app-config';
import { MembershipExpiryService } from '../src/modules/membership/membership-expiry.service';
import { UsersRepository } from '../src/modules/users/users.repository';
import { WorkerModule } from '../src/worker.module';
import { signUpAndLogIn } from './support/session';
import { createTestApp, testEnvironment, TestApp, uniqueNamespace } from './support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The hourly worker job writes FREE for expired memberships; a repeated run is harmless. */
describe('Membership expiry downgrade (worker job)', () => {
  const namespace = uniqueNamespace('downgrade');
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

  it('downgrades only passed expiries, invalidates the cache, and a repeat changes nothing', async () => {
    const users = api.connection.collection('users');
    const repository = api.app.get(UsersRepository);
    const now = new Date('2030-03-01T10:30:00.000Z'); // the moved clock
    const [expired, active, boundary, free] = await Promise.all(
      [0, 1, 2, 3].map(() => signUpAndLogIn(api)),
    );
    const setPlan = (id: string, plan: string, cycle: string | null, expiry: Date | null) =>
      users.updateOne(
        { _id: new Types.ObjectId(id) },
        { $set: { membershipType: plan, billingCycle: cycle, membershipExpiry: expiry } },
      );
    const expiredAt = new Date(now.getTime() - 1);
    await setPlan(expired.id, 'PRO', 'MONTHLY', expiredAt);
    await setPlan(active.id, 'ELITE', 'YEARLY', new Date(now.getTime() + DAY));
    await setPlan(boundary.id, 'PRO', 'YEARLY', now); // expires exactly now: not yet passed
    // Warm the user cache with the stored (expired) plan.
    expect((await repository.findById(expired.id))?.membershipType).toBe('PRO');

    const jobs = workers.map((w) => w.get(MembershipExpiryService));
    // Two runs at once (a retry racing a slow run): the conditional write applies once.
    const results = await Promise.all(jobs.map((job) => job.run(now)));
    expect(results[0] + results[1]).toBe(1);

    const stored = async (id: string) => users.findOne({ _id: new Types.ObjectId(id) });
    expect(await stored(expired.id)).toMatchObject({
      membershipType: 'FREE',
      billingCycle: null,
      membershipExpiry: null,
    });
    expect(await stored(active.id)).toMatchObject({ membershipType: 'ELITE' });
    expect(await stored(boundary.id)).toMatchObject({ membershipType: 'PRO' });
    expect(await stored(free.id)).toMatchObject({ membershipType: 'FREE' });
    // The cached user was invalidated: reads through the repository see FREE.
    expect(await repository.findById(expired.id)).toMatchObject({
      membershipType: 'FREE',
      membershipExpiry: null,
    });

    // The same run again: nothing left. The next hour: the boundary user is now expired.
    expect(await jobs[0].run(now)).toBe(0);
    expect(await jobs[1].run(new Date(now.getTime() + HOUR))).toBe(1);
    expect(await stored(boundary.id)).toMatchObject({ membershipType: 'FREE' });
    expect(await stored(active.id)).toMatchObject({ membershipType: 'ELITE' });
  }, 30000);
});
