import type { BillingCycle, MembershipType } from '../users/user.schema';
import type { UserEntitlements } from './entitlements.service';
import { amountInPaise, type Entitlements, PLANS } from './plans';

export interface PlanView {
  membershipType: MembershipType;
  currency: 'INR';
  priceInr: Record<BillingCycle, number>;
  amountPaise: Record<BillingCycle, number>;
  entitlements: Entitlements;
}

export interface MembershipStatusView {
  membershipType: MembershipType;
  billingCycle: BillingCycle | null;
  membershipExpiry: string | null;
  entitlements: Entitlements;
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

/** GET /payment/status: the plan in force (expired = FREE) and its entitlements. */
export function toStatusView({ membership, entitlements }: UserEntitlements): MembershipStatusView {
  return {
    membershipType: membership.membershipType,
    billingCycle: membership.billingCycle,
    membershipExpiry: membership.membershipExpiry
      ? membership.membershipExpiry.toISOString()
      : null,
    entitlements: { ...entitlements },
  };
}
