import type { BillingCycle, MembershipType } from '../plans/plans';
import {
  addCycle,
  effectiveMembership,
  FREE_MEMBERSHIP,
  grantPlan,
  type Membership,
  purchaseRefusal,
} from './membership-rules';
import { MEMBERSHIP_ERRORS } from './membership.errors';

const NOW = new Date('2025-06-15T10:00:00.000Z');
const d = (iso: string) => new Date(iso);

describe('addCycle', () => {
  it.each<[string, BillingCycle, string]>([
    ['2025-01-15T08:30:00.000Z', 'MONTHLY', '2025-02-15T08:30:00.000Z'],
    ['2025-01-31T00:00:00.000Z', 'MONTHLY', '2025-02-28T00:00:00.000Z'],
    ['2024-01-31T12:00:00.000Z', 'MONTHLY', '2024-02-29T12:00:00.000Z'], // leap year
    ['2025-03-31T23:59:59.999Z', 'MONTHLY', '2025-04-30T23:59:59.999Z'],
    ['2025-05-31T00:00:00.000Z', 'MONTHLY', '2025-06-30T00:00:00.000Z'],
    ['2025-08-31T00:00:00.000Z', 'MONTHLY', '2025-09-30T00:00:00.000Z'],
    ['2025-12-31T18:00:00.000Z', 'MONTHLY', '2026-01-31T18:00:00.000Z'], // across the year
    ['2025-02-28T00:00:00.000Z', 'MONTHLY', '2025-03-28T00:00:00.000Z'],
    ['2025-06-15T10:00:00.000Z', 'YEARLY', '2026-06-15T10:00:00.000Z'],
    ['2024-02-29T07:00:00.000Z', 'YEARLY', '2025-02-28T07:00:00.000Z'],
    ['2023-02-28T07:00:00.000Z', 'YEARLY', '2024-02-28T07:00:00.000Z'],
    ['2025-12-31T00:00:00.000Z', 'YEARLY', '2026-12-31T00:00:00.000Z'],
  ])('%s + %s = %s (UTC)', (from, cycle, expected) => {
    expect(addCycle(d(from), cycle).toISOString()).toBe(expected);
  });

  it('does not mutate its argument', () => {
    const date = d('2025-01-31T00:00:00.000Z');
    addCycle(date, 'MONTHLY');
    expect(date.toISOString()).toBe('2025-01-31T00:00:00.000Z');
  });
});

const active = (
  membershipType: MembershipType,
  expiry: string,
  cycle: BillingCycle = 'MONTHLY',
) => ({
  membershipType,
  billingCycle: cycle,
  membershipExpiry: d(expiry),
});

describe('effectiveMembership', () => {
  it.each<[string, Partial<Membership>, Membership]>([
    ['no fields at all', {}, FREE_MEMBERSHIP],
    ['FREE', FREE_MEMBERSHIP, FREE_MEMBERSHIP],
    [
      'PRO without expiry',
      { membershipType: 'PRO', billingCycle: 'MONTHLY', membershipExpiry: null },
      FREE_MEMBERSHIP,
    ],
    ['PRO expired', active('PRO', '2025-06-01T00:00:00.000Z'), FREE_MEMBERSHIP],
    ['PRO expiring exactly now', active('PRO', NOW.toISOString()), FREE_MEMBERSHIP],
    [
      'PRO active',
      active('PRO', '2025-07-01T00:00:00.000Z'),
      active('PRO', '2025-07-01T00:00:00.000Z'),
    ],
  ])('%s', (_name, current, expected) => {
    expect(effectiveMembership(current, NOW)).toEqual(expected);
  });
});

describe('grantPlan', () => {
  it.each<[string, Partial<Membership>, MembershipType, BillingCycle, Membership]>([
    [
      'FREE buys PRO monthly: starts now',
      FREE_MEMBERSHIP,
      'PRO',
      'MONTHLY',
      active('PRO', '2025-07-15T10:00:00.000Z'),
    ],
    [
      'FREE buys ELITE yearly: starts now',
      FREE_MEMBERSHIP,
      'ELITE',
      'YEARLY',
      active('ELITE', '2026-06-15T10:00:00.000Z', 'YEARLY'),
    ],
    [
      'active PRO renews PRO: from its expiry',
      active('PRO', '2025-06-30T00:00:00.000Z'),
      'PRO',
      'MONTHLY',
      active('PRO', '2025-07-30T00:00:00.000Z'),
    ],
    [
      'active PRO monthly renews yearly: from its expiry, new cycle',
      active('PRO', '2025-06-30T00:00:00.000Z'),
      'PRO',
      'YEARLY',
      active('PRO', '2026-06-30T00:00:00.000Z', 'YEARLY'),
    ],
    [
      'active PRO ending Jan 31 renews monthly: clamps',
      { ...active('PRO', '2026-01-31T09:00:00.000Z') },
      'PRO',
      'MONTHLY',
      active('PRO', '2026-02-28T09:00:00.000Z'),
    ],
    [
      'expired PRO buys PRO: counts as FREE, starts now',
      active('PRO', '2025-06-01T00:00:00.000Z'),
      'PRO',
      'MONTHLY',
      active('PRO', '2025-07-15T10:00:00.000Z'),
    ],
    [
      'active PRO buys ELITE: higher tier starts now',
      active('PRO', '2025-12-01T00:00:00.000Z'),
      'ELITE',
      'MONTHLY',
      active('ELITE', '2025-07-15T10:00:00.000Z'),
    ],
    [
      'expired ELITE buys PRO: starts now',
      active('ELITE', '2025-06-01T00:00:00.000Z'),
      'PRO',
      'MONTHLY',
      active('PRO', '2025-07-15T10:00:00.000Z'),
    ],
    [
      'active ELITE gets a late PRO capture: unchanged',
      active('ELITE', '2025-09-01T00:00:00.000Z'),
      'PRO',
      'YEARLY',
      active('ELITE', '2025-09-01T00:00:00.000Z'),
    ],
    [
      'missing fields (legacy user) buys PRO: starts now',
      {},
      'PRO',
      'MONTHLY',
      active('PRO', '2025-07-15T10:00:00.000Z'),
    ],
  ])('%s', (_name, current, membershipType, billingCycle, expected) => {
    expect(grantPlan(current, { membershipType, billingCycle }, NOW)).toEqual(expected);
  });
});

describe('purchaseRefusal', () => {
  it.each<[string, Partial<Membership>, Record<string, unknown>]>([
    ['FREE as a purchase', FREE_MEMBERSHIP, { membershipType: 'FREE', billingCycle: 'MONTHLY' }],
    ['an unknown plan', FREE_MEMBERSHIP, { membershipType: 'GOLD', billingCycle: 'MONTHLY' }],
    ['a lowercase plan', FREE_MEMBERSHIP, { membershipType: 'pro', billingCycle: 'MONTHLY' }],
    ['an unknown cycle', FREE_MEMBERSHIP, { membershipType: 'PRO', billingCycle: 'WEEKLY' }],
    ['a missing cycle', FREE_MEMBERSHIP, { membershipType: 'PRO' }],
    ['a non-string plan', FREE_MEMBERSHIP, { membershipType: ['PRO'], billingCycle: 'MONTHLY' }],
  ])('%s → 400 Invalid input', (_name, current, requested) => {
    const refusal = purchaseRefusal(current, requested, NOW);
    expect(refusal).toMatchObject({
      code: MEMBERSHIP_ERRORS.invalidPurchase.code,
      status: 400,
      message: 'Invalid input',
    });
  });

  it.each<[string, Partial<Membership>, MembershipType]>([
    ['FREE buys PRO', FREE_MEMBERSHIP, 'PRO'],
    ['FREE buys ELITE', FREE_MEMBERSHIP, 'ELITE'],
    ['active PRO renews PRO', active('PRO', '2025-07-01T00:00:00.000Z'), 'PRO'],
    ['active PRO buys ELITE', active('PRO', '2025-07-01T00:00:00.000Z'), 'ELITE'],
    ['active ELITE renews ELITE', active('ELITE', '2025-07-01T00:00:00.000Z'), 'ELITE'],
    ['expired ELITE buys PRO', active('ELITE', '2025-06-01T00:00:00.000Z'), 'PRO'],
  ])('%s → allowed', (_name, current, membershipType) => {
    expect(purchaseRefusal(current, { membershipType, billingCycle: 'MONTHLY' }, NOW)).toBeNull();
  });

  it('active ELITE buying PRO → 409 naming the plan and its expiry', () => {
    const refusal = purchaseRefusal(
      active('ELITE', '2025-07-01T00:00:00.000Z'),
      { membershipType: 'PRO', billingCycle: 'YEARLY' },
      NOW,
    );
    expect(refusal).toMatchObject({ code: 'MEMBERSHIP_DOWNGRADE_REFUSED', status: 409 });
    expect(refusal?.message).toBe(
      'You already have an active ELITE membership until 2025-07-01T00:00:00.000Z; a lower plan can be bought once it ends',
    );
  });
});
