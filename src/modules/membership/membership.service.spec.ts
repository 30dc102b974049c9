import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import type { UserRecord } from '../users/user.schema';
import type { UsersRepository } from '../users/users.repository';
import type { Membership } from './membership-rules';
import { MembershipService } from './membership.service';

const NOW = new Date('2025-06-15T10:00:00.000Z');
const userId = new Types.ObjectId();

/**
 * An in-memory stand-in for the two repository methods grant uses, with the same semantics as
 * the real conditional update (applies only when `expected` matches and the payment is new).
 */
function stubRepository(initial: Membership | null, staleCache?: Membership) {
  let stored = initial ? { ...initial } : null;
  const applied = new Set<string>();
  const grantMembership = jest.fn(
    (_id: Types.ObjectId, next: Membership, expected: Membership, paymentId: string) => {
      if (!stored) return Promise.resolve({ applied: false as const, current: null });
      const same =
        stored.membershipType === expected.membershipType &&
        stored.billingCycle === expected.billingCycle &&
        String(stored.membershipExpiry) === String(expected.membershipExpiry);
      if (same && !applied.has(paymentId)) {
        stored = { ...next };
        applied.add(paymentId);
        return Promise.resolve({
          applied: true as const,
          user: { _id: userId, ...stored } as UserRecord,
        });
      }
      return Promise.resolve({
        applied: false as const,
        current: { ...stored, paymentApplied: applied.has(paymentId) },
      });
    },
  );
  const repo = {
    findById: jest.fn(() =>
      Promise.resolve(stored ? ({ _id: userId, ...(staleCache ?? stored) } as UserRecord) : null),
    ),
    grantMembership,
  };
  return {
    repo,
    stored: () => stored,
    service: new MembershipService(repo as unknown as UsersRepository),
  };
}

const FREE: Membership = { membershipType: 'FREE', billingCycle: null, membershipExpiry: null };
const PRO_JULY: Membership = {
  membershipType: 'PRO',
  billingCycle: 'MONTHLY',
  membershipExpiry: new Date('2025-07-01T00:00:00.000Z'),
};

describe('MembershipService.grant', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  it.each<[string, Membership, Membership['membershipType'], string, Membership]>([
    [
      'FREE → PRO starts now',
      FREE,
      'PRO',
      'applied',
      { ...PRO_JULY, membershipExpiry: new Date('2025-07-15T10:00:00.000Z') },
    ],
    [
      'active PRO renews from its expiry',
      PRO_JULY,
      'PRO',
      'applied',
      { ...PRO_JULY, membershipExpiry: new Date('2025-08-01T00:00:00.000Z') },
    ],
    [
      'active PRO → ELITE starts now',
      PRO_JULY,
      'ELITE',
      'applied',
      {
        membershipType: 'ELITE',
        billingCycle: 'MONTHLY',
        membershipExpiry: new Date('2025-07-15T10:00:00.000Z'),
      },
    ],
    [
      'active ELITE keeps ELITE on a late PRO capture',
      { ...PRO_JULY, membershipType: 'ELITE' },
      'PRO',
      'kept-higher-tier',
      { ...PRO_JULY, membershipType: 'ELITE' },
    ],
  ])('%s', async (_name, initial, membershipType, outcome, expected) => {
    const { service, stored } = stubRepository(initial);
    const result = await service.grant(
      userId,
      { membershipType, billingCycle: 'MONTHLY' },
      'pay_1',
      NOW,
    );
    expect(result.outcome).toBe(outcome);
    expect(result.membership).toEqual(expected);
    // An ELITE write also stores the feed priority (feedPriorityUntil = expiry); other plans don't.
    expect(stored()).toEqual(
      expected.membershipType === 'ELITE'
        ? { ...expected, feedPriorityUntil: expected.membershipExpiry }
        : expected,
    );
  });

  it('applies a payment id once: a replay answers already-applied and changes nothing', async () => {
    const { service, stored } = stubRepository(FREE);
    await service.grant(userId, { membershipType: 'PRO', billingCycle: 'MONTHLY' }, 'pay_1', NOW);
    const again = await service.grant(
      userId,
      { membershipType: 'PRO', billingCycle: 'MONTHLY' },
      'pay_1',
      NOW,
    );
    expect(again.outcome).toBe('already-applied');
    expect(stored()?.membershipExpiry).toEqual(new Date('2025-07-15T10:00:00.000Z'));
  });

  it('a second payment for the same tier extends again', async () => {
    const { service, stored } = stubRepository(FREE);
    await service.grant(userId, { membershipType: 'PRO', billingCycle: 'MONTHLY' }, 'pay_1', NOW);
    const second = await service.grant(
      userId,
      { membershipType: 'PRO', billingCycle: 'MONTHLY' },
      'pay_2',
      NOW,
    );
    expect(second.outcome).toBe('applied');
    expect(stored()?.membershipExpiry).toEqual(new Date('2025-08-15T10:00:00.000Z'));
  });

  it('recomputes from the stored state when the cached read was stale (lost race)', async () => {
    const { service, repo, stored } = stubRepository(PRO_JULY, FREE);
    const result = await service.grant(
      userId,
      { membershipType: 'PRO', billingCycle: 'MONTHLY' },
      'pay_9',
      NOW,
    );
    expect(result.outcome).toBe('applied');
    expect(repo.grantMembership).toHaveBeenCalledTimes(2);
    expect(stored()?.membershipExpiry).toEqual(new Date('2025-08-01T00:00:00.000Z'));
  });

  it('an unknown user is reported, not thrown', async () => {
    const { service } = stubRepository(null);
    expect(
      (await service.grant(userId, { membershipType: 'PRO', billingCycle: 'YEARLY' }, 'pay_1', NOW))
        .outcome,
    ).toBe('user-not-found');
  });
});

describe('MembershipService.assertPurchasable', () => {
  it('passes an upgrade, refuses FREE (400) and a downgrade (409)', async () => {
    const { service } = stubRepository({ ...PRO_JULY, membershipType: 'ELITE' });
    await expect(
      service.assertPurchasable(userId, { membershipType: 'ELITE', billingCycle: 'YEARLY' }, NOW),
    ).resolves.toBeUndefined();
    await expect(
      service.assertPurchasable(userId, { membershipType: 'FREE', billingCycle: 'MONTHLY' }, NOW),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      service.assertPurchasable(userId, { membershipType: 'PRO', billingCycle: 'MONTHLY' }, NOW),
    ).rejects.toMatchObject({ status: 409 });
  });
});
