import type { UserEntitlements } from './entitlements.service';
import {
  amountInPaise,
  type BillingCycle,
  type Entitlements,
  type MembershipType,
  PLANS,
} from '../plans/plans';

export interface PlanView {
  membershipType: MembershipType;
  currency: 'INR';
  priceInr: Record<BillingCycle, number>;
  amountPaise: Record<BillingCycle, number>;
  entitlements: Entitlements;
}

/** Today's swipes (the day in DIGEST_TIME_ZONE); `limit`/`remaining` null = unlimited. */
export interface SwipesTodayView {
  limit: number | null;
  used: number;
  remaining: number | null;
  resetsAt: string;
}

export interface MembershipStatusView {
  membershipType: MembershipType;
  billingCycle: BillingCycle | null;
  membershipExpiry: string | null;
  entitlements: Entitlements;
  swipesToday: SwipesTodayView;
}

/** GET /payment/plans: the plan table, lowest tier first. */
export function toPlanViews(): PlanView[] {
  return PLANS.map((plan) => ({
    membershipType: plan.membershipType,
    currency: 'INR',
    priceInr: { ...plan.priceInr },
    amountPaise: {
      MONTHLY: amountInPaise(plan.membershipType, 'MONTHLY'),
      YEARLY: amountInPaise(plan.membershipType, 'YEARLY'),
    },
    entitlements: { ...plan.entitlements },
  }));
}

/** GET /payment/status: the plan in force (expired = FREE), its entitlements, today's swipes. */
export function toStatusView(
  { membership, entitlements }: UserEntitlements,
  swipes: { used: number; resetsAt: Date },
): MembershipStatusView {
  const limit = entitlements.dailySwipes;
  return {
    membershipType: membership.membershipType,
    billingCycle: membership.billingCycle,
    membershipExpiry: membership.membershipExpiry
      ? membership.membershipExpiry.toISOString()
      : null,
    entitlements: { ...entitlements },
    swipesToday: {
      limit,
      used: swipes.used,
      remaining: limit === null ? null : Math.max(0, limit - swipes.used),
      resetsAt: swipes.resetsAt.toISOString(),
    },
  };
}
