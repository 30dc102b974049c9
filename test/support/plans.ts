import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { MembershipType } from '../../src/modules/plans/plans';
import { MembershipService } from '../../src/modules/membership/membership.service';
import type { TestApp } from './test-app';

/**
 * Gives a user a paid plan (a year from now) through the real grant path, which also refreshes the
 * cached user. Tests whose users swipe more than FREE's 10 a day or filter by skills need one.
 */
export async function givePlan(
  t: TestApp,
  userId: string | Types.ObjectId,
  membershipType: Exclude<MembershipType, 'FREE'> = 'ELITE',
): Promise<void> {
  const id = typeof userId === 'string' ? new Types.ObjectId(userId) : userId;
  await t.app
    .get(MembershipService)
    .grant(id, { membershipType, billingCycle: 'YEARLY' }, `test_${randomUUID()}`);
}
