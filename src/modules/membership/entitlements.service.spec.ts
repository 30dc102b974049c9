import type { UsersRepository } from '../users/users.repository';
import { EntitlementsService } from './entitlements.service';
import type { Membership } from './membership-rules';
import { planOf } from '../plans/plans';

const NOW = new Date('2025-06-15T10:00:00.000Z');
const FUTURE = new Date('2025-07-01T00:00:00.000Z');
const PAST = new Date('2025-06-01T00:00:00.000Z');

describe('EntitlementsService.of', () => {
  const service = new EntitlementsService({} as UsersRepository);
  it.each<[string, Partial<Membership>, Membership['membershipType']]>([
    ['FREE', { membershipType: 'FREE' }, 'FREE'],
    [
      'active PRO',
      { membershipType: 'PRO', billingCycle: 'MONTHLY', membershipExpiry: FUTURE },
      'PRO',
    ],
    [
      'active ELITE',
      { membershipType: 'ELITE', billingCycle: 'YEARLY', membershipExpiry: FUTURE },
      'ELITE',
    ],
    [
      'expired PRO',
      { membershipType: 'PRO', billingCycle: 'MONTHLY', membershipExpiry: PAST },
      'FREE',
    ],
    [
      'expired ELITE',
      { membershipType: 'ELITE', billingCycle: 'YEARLY', membershipExpiry: PAST },
      'FREE',
    ],
    ['legacy (no fields)', {}, 'FREE'],
  ])('%s → %s entitlements', (_name, stored, plan) => {
    const result = service.of(stored, NOW);
    expect(result.membership.membershipType).toBe(plan);
    expect(result.entitlements).toEqual(planOf(plan).entitlements);
  });

  it('every plan keeps received requests open', () => {
    for (const plan of ['FREE', 'PRO', 'ELITE'] as const)
      expect(planOf(plan).entitlements.receivedRequests).toBe(true);
  });
});
