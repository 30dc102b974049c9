import { Types } from 'mongoose';
import { MembershipService } from '../src/modules/membership/membership.service';
import { UsersRepository } from '../src/modules/users/users.repository';
import { createTestApp, TestApp } from './support/test-app';

const NOW = new Date('2026-01-31T09:00:00.000Z');

describe('Membership grants against the real database', () => {
  let api: TestApp;
  let membership: MembershipService;
  let users: UsersRepository;

  beforeAll(async () => {
    api = await createTestApp();
    membership = api.app.get(MembershipService);
    users = api.app.get(UsersRepository);
  });

  afterAll(async () => {
    await api.close();
  });

  async function insertUser(fields: Record<string, unknown> = {}): Promise<Types.ObjectId> {
    const _id = new Types.ObjectId();
    await api.connection.collection('users').insertOne({
      _id,
      firstName: 'Asha',
      emailId: `${_id.toHexString()}@example.com`,
      password: 'x',
      createdAt: new Date(),
      updatedAt: new Date(),
      ...fields,
    });
    return _id;
  }

  it('10 concurrent grants of the same payment apply once and extend the expiry once', async () => {
    const id = await insertUser({
      membershipType: 'FREE',
      billingCycle: null,
      membershipExpiry: null,
    });
    await users.findById(id); // warm the cache: the grant must invalidate it
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        membership.grant(id, { membershipType: 'PRO', billingCycle: 'MONTHLY' }, 'pay_same', NOW),
      ),
    );
    expect(results.filter((r) => r.outcome === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'already-applied')).toHaveLength(9);
    const user = await users.findById(id);
    expect(user).toMatchObject({ membershipType: 'PRO', billingCycle: 'MONTHLY' });
    expect(user?.membershipExpiry?.toISOString()).toBe('2026-02-28T09:00:00.000Z'); // clamped
    const raw = await api.connection.collection('users').findOne({ _id: id });
    expect(raw?.appliedPayments).toEqual(['pay_same']);
  });

  it('10 concurrent grants of different payments each extend once (10 months from now)', async () => {
    const id = await insertUser(); // legacy document: no membership fields at all
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        membership.grant(id, { membershipType: 'PRO', billingCycle: 'MONTHLY' }, `pay_${i}`, NOW),
      ),
    );
    expect(results.every((r) => r.outcome === 'applied')).toBe(true);
    const user = await users.findById(id);
    // Jan 31 → Feb 28 → Mar 28 → … (each month clamps from the previous expiry)
    expect(user?.membershipExpiry?.toISOString()).toBe('2026-11-28T09:00:00.000Z');
  });

  it('renews an active plan from its expiry, upgrades from now, and a replay later is a no-op', async () => {
    const expiry = new Date('2026-03-15T00:00:00.000Z');
    const id = await insertUser({
      membershipType: 'PRO',
      billingCycle: 'YEARLY',
      membershipExpiry: expiry,
    });
    const renewed = await membership.grant(
      id,
      { membershipType: 'PRO', billingCycle: 'MONTHLY' },
      'pay_r',
      NOW,
    );
    expect(renewed.membership?.membershipExpiry?.toISOString()).toBe('2026-04-15T00:00:00.000Z');
    const upgraded = await membership.grant(
      id,
      { membershipType: 'ELITE', billingCycle: 'YEARLY' },
      'pay_u',
      NOW,
    );
    expect(upgraded.membership).toEqual({
      membershipType: 'ELITE',
      billingCycle: 'YEARLY',
      membershipExpiry: new Date('2027-01-31T09:00:00.000Z'),
    });
    const replay = await membership.grant(
      id,
      { membershipType: 'PRO', billingCycle: 'MONTHLY' },
      'pay_r',
      new Date('2026-02-10T00:00:00.000Z'),
    );
    expect(replay.outcome).toBe('already-applied');
    expect((await users.findById(id))?.membershipType).toBe('ELITE');
  });

  it('an expired plan counts as FREE: the same tier starts now', async () => {
    const id = await insertUser({
      membershipType: 'PRO',
      billingCycle: 'MONTHLY',
      membershipExpiry: new Date('2026-01-01T00:00:00.000Z'),
    });
    const result = await membership.grant(
      id,
      { membershipType: 'PRO', billingCycle: 'MONTHLY' },
      'pay_x',
      NOW,
    );
    expect(result.membership?.membershipExpiry?.toISOString()).toBe('2026-02-28T09:00:00.000Z');
  });

  it('an unknown user is reported', async () => {
    const result = await membership.grant(
      new Types.ObjectId(),
      { membershipType: 'PRO', billingCycle: 'MONTHLY' },
      'pay_y',
      NOW,
    );
    expect(result.outcome).toBe('user-not-found');
  });
});
