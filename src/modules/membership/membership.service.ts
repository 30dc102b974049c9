/**
 * MembershipService — what the payments flow calls. Signatures:
 *
 *   grant(userId, purchase, paymentId, now?) → Promise<GrantResult>
 *     Apply one captured payment: `purchase` = { membershipType, billingCycle } from the payments
 *     row, `paymentId` = the gateway payment id (e.g. `pay_...`). Idempotent per `paymentId`:
 *     replayed, concurrent or out-of-order calls for the same payment grant the plan and extend
 *     the expiry exactly once (`outcome: 'already-applied'` for the others). Rules
 *     (membership-rules.ts): the same tier renews from max(now, current expiry), a higher tier
 *     starts now, an expired plan counts as FREE; a lower tier than the active one leaves the
 *     membership unchanged (`outcome: 'kept-higher-tier'`, the payment is still recorded as
 *     applied — flag it for a refund). Concurrent grants of different payments both apply, one
 *     after the other (one conditional update each, retried on a lost race).
 *
 *   assertPurchasable(userId, requested, now?) → Promise<void>
 *     Before creating an order: throws `400 Invalid input` for FREE / unknown plan or cycle, `409`
 *     naming the active plan and expiry for a lower tier than the active one.
 */
import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { appError } from '../../common/errors/app-error';
import { USER_ERRORS } from '../users/users.errors';
import type { UserRecord } from '../users/user.schema';
import { UsersRepository } from '../users/users.repository';
import { grantPlan, type Membership, type Purchase, purchaseRefusal } from './membership-rules';
import { planOf } from '../plans/plans';

/** Lost races before giving up; each loss means another grant for this user was just applied. */
const MAX_ATTEMPTS = 25;

export type GrantOutcome = 'applied' | 'kept-higher-tier' | 'already-applied' | 'user-not-found';

export interface GrantResult {
  outcome: GrantOutcome;
  /** The stored membership after the call (unset when the user does not exist). */
  membership?: Membership;
  /** The updated user (no secrets) when this call applied the payment. */
  user?: UserRecord;
}

const asExpected = (m: Partial<Membership>) => ({
  membershipType: m.membershipType ?? null,
  billingCycle: m.billingCycle ?? null,
  membershipExpiry: m.membershipExpiry ?? null,
});

@Injectable()
export class MembershipService {
  private readonly logger = new Logger(MembershipService.name);

  constructor(private readonly users: UsersRepository) {}

  async assertPurchasable(
    userId: Types.ObjectId | string,
    requested: { membershipType?: unknown; billingCycle?: unknown },
    now = new Date(),
  ): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw appError(USER_ERRORS.notFound);
    const refusal = purchaseRefusal(user, requested, now);
    if (refusal) throw refusal;
  }

  async grant(
    userId: Types.ObjectId | string,
    purchase: Purchase,
    paymentId: string,
    now = new Date(),
  ): Promise<GrantResult> {
    const id = new Types.ObjectId(userId);
    const cached = await this.users.findById(id);
    if (!cached) return { outcome: 'user-not-found' };
    let current: Partial<Membership> = cached;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const next = grantPlan(current, purchase, now);
      const result = await this.users.grantMembership(
        id,
        withFeedPriority(next),
        asExpected(current),
        paymentId,
      );
      if (result.applied) {
        const kept = next.membershipType !== purchase.membershipType;
        this.logger.log({
          msg: kept ? 'Payment recorded; a higher plan is active' : 'Membership granted',
          userId: id.toHexString(),
          paymentId,
          membershipType: next.membershipType,
          membershipExpiry: next.membershipExpiry,
        });
        return {
          outcome: kept ? 'kept-higher-tier' : 'applied',
          membership: next,
          user: result.user,
        };
      }
      if (!result.current) return { outcome: 'user-not-found' };
      const { paymentApplied, ...stored } = result.current;
      if (paymentApplied) return { outcome: 'already-applied', membership: asMembership(stored) };
      current = stored;
    }
    throw new Error(`Membership grant for ${paymentId} lost ${MAX_ATTEMPTS} races in a row`);
  }
}

function asMembership(m: Partial<Membership>): Membership {
  return {
    membershipType: m.membershipType ?? 'FREE',
    billingCycle: m.billingCycle ?? null,
    membershipExpiry: m.membershipExpiry ?? null,
  };
}

/**
 * A plan with `feedPriority` (ELITE) also writes `feedPriorityUntil` = its expiry: the feed's
 * priority tier reads that field, which the expiry downgrade never clears, so a walk that began
 * while the plan was in force keeps its order after the downgrade (see feed-paging.ts).
 */
function withFeedPriority<T extends Membership>(next: T): T & { feedPriorityUntil?: Date } {
  if (!planOf(next.membershipType).entitlements.feedPriority || !next.membershipExpiry) return next;
  return { ...next, feedPriorityUntil: next.membershipExpiry };
}
