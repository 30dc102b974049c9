import { Types } from 'mongoose';
import { MembershipService } from '../src/modules/membership/membership.service';
import { UsersRepository } from '../src/modules/users/users.repository';
import request from 'supertest';
import { PLANS } from '../src/modules/plans/plans';
import { signUpAndLogIn } from './support/session';
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

  // FerretDB 1.24 on SQLite (the last-resort test engine) does not make a conditional
  // findAndModify atomic against concurrent ones, so concurrent grants can overwrite each other
  // there; MongoDB and FerretDB v2 + DocumentDB (what CI runs) do.
  const atomicEngine = process.env.TEST_MONGODB_KIND !== 'ferretdb-sqlite';
  (atomicEngine ? it : it.skip)(
    '10 concurrent grants of the same payment apply once and extend the expiry once',
    async () => {
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
    },
  );

  (atomicEngine ? it : it.skip)(
    '10 concurrent grants of different payments each extend once (10 months from now)',
    async () => {
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
    },
  );

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

  describe('GET /payment/plans and GET /payment/status', () => {
    it('serves the plan table publicly, with prices in INR and paise and every entitlement', async () => {
      const res = await request(api.server).get('/payment/plans').expect(200);
      expect(res.body.message).toBe('Plans retrieved successfully');
      const data = res.body.data as {
        membershipType: string;
        priceInr: unknown;
        amountPaise: unknown;
        entitlements: unknown;
      }[];
      expect(data.map((p) => p.membershipType)).toEqual(['FREE', 'PRO', 'ELITE']);
      expect(data[1]).toMatchObject({
        currency: 'INR',
        priceInr: { MONTHLY: 499, YEARLY: 3999 },
        amountPaise: { MONTHLY: 49900, YEARLY: 399900 },
      });
      expect(data[2]).toMatchObject({
        priceInr: { MONTHLY: 999, YEARLY: 7999 },
        amountPaise: { MONTHLY: 99900, YEARLY: 799900 },
      });
      expect(data.map((p) => p.entitlements)).toEqual(PLANS.map((p) => p.entitlements));
    });

    it('needs authentication for the status', async () => {
      await request(api.server).get('/payment/status').expect(401);
    });

    it.each([
      ['FREE', null, null, 'FREE'],
      ['PRO', 'MONTHLY', '2999-01-01T00:00:00.000Z', 'PRO'],
      ['ELITE', 'YEARLY', '2999-01-01T00:00:00.000Z', 'ELITE'],
      ['PRO (expired)', 'MONTHLY', '2001-01-01T00:00:00.000Z', 'FREE'],
    ])(
      'a %s member gets their plan in force and its entitlements',
      async (stored, cycle, expiry, shown) => {
        const session = await signUpAndLogIn(api);
        await api.connection.collection('users').updateOne(
          { _id: new Types.ObjectId(session.id) },
          {
            $set: {
              membershipType: stored.split(' ')[0],
              billingCycle: cycle,
              membershipExpiry: expiry ? new Date(expiry) : null,
            },
          },
        );
        const res = await request(api.server)
          .get('/payment/status')
          .set('Cookie', session.cookieHeader())
          .expect(200);
        const active = shown !== 'FREE';
        expect(res.body.data).toEqual({
          membershipType: shown,
          billingCycle: active ? cycle : null,
          membershipExpiry: active ? expiry : null,
          entitlements: PLANS.find((p) => p.membershipType === shown)?.entitlements,
          swipesToday: {
            limit: shown === 'FREE' ? 10 : null,
            used: 0,
            remaining: shown === 'FREE' ? 10 : null,
            resetsAt: expect.stringMatching(/T/),
          },
        });
      },
    );

    it('shows a grant at once (the grant invalidates the cached user)', async () => {
      const session = await signUpAndLogIn(api);
      await request(api.server)
        .get('/payment/status')
        .set('Cookie', session.cookieHeader())
        .expect(200);
      await membership.grant(
        session.id,
        { membershipType: 'ELITE', billingCycle: 'MONTHLY' },
        'pay_live',
        new Date(),
      );
      const res = await request(api.server)
        .get('/payment/status')
        .set('Cookie', session.cookieHeader())
        .expect(200);
      expect(res.body.data).toMatchObject({
        membershipType: 'ELITE',
        billingCycle: 'MONTHLY',
        entitlements: { verifiedBadge: true },
      });
    });
  });
});
