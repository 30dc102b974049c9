import { AppError, appError } from '../../common/errors/app-error';
import {
  BILLING_CYCLES,
  MEMBERSHIP_TYPES,
  type BillingCycle,
  type MembershipType,
  tierRank,
} from '../plans/plans';
import { MEMBERSHIP_ERRORS } from './membership.errors';

/** A user's membership as stored (contract §4.1). */
export interface Membership {
  membershipType: MembershipType;
  billingCycle: BillingCycle | null;
  membershipExpiry: Date | null;
}

/** What a payment buys. */
export interface Purchase {
  membershipType: MembershipType;
  billingCycle: BillingCycle;
}

export const FREE_MEMBERSHIP: Membership = {
  membershipType: 'FREE',
  billingCycle: null,
  membershipExpiry: null,
};

function daysInMonthUtc(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * `date` plus one billing cycle, in UTC, keeping the time of day. Month arithmetic clamps to the
 * target month's last day (Jan 31 + 1 month = Feb 28/29, Mar 31 → Apr 30; Feb 29 + 1 year = Feb 28)
 * instead of overflowing into the next month as `Date#setMonth` does (contract §10 #25).
 */
export function addCycle(date: Date, cycle: BillingCycle): Date {
  const months = cycle === 'MONTHLY' ? 1 : 12;
  const total = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(total / 12);
  const month = total % 12;
  const day = Math.min(date.getUTCDate(), daysInMonthUtc(year, month));
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
}

/** The membership in force at `now`: FREE when there is no plan or its expiry has passed (§3.8). */
export function effectiveMembership(current: Partial<Membership>, now: Date): Membership {
  const type = current.membershipType ?? 'FREE';
  const expiry = current.membershipExpiry ?? null;
  if (type === 'FREE' || expiry === null || expiry <= now) return FREE_MEMBERSHIP;
  return {
    membershipType: type,
    billingCycle: current.billingCycle ?? null,
    membershipExpiry: expiry,
  };
}

/**
 * The membership after a paid `purchase` is applied at `now`:
 * - the same tier as the active one renews from max(now, current expiry);
 * - a higher tier (or anything over FREE / an expired plan) starts now;
 * - a lower tier than the active one never replaces it: the current membership is returned
 *   unchanged (order creation refuses that case, see {@link purchaseRefusal}; a capture can still
 *   arrive for an order created before an upgrade).
 */
export function grantPlan(current: Partial<Membership>, purchase: Purchase, now: Date): Membership {
  const active = effectiveMembership(current, now);
  const activeRank = tierRank(active.membershipType);
  const purchasedRank = tierRank(purchase.membershipType);
  if (purchasedRank < activeRank) return active;
  const start =
    purchasedRank === activeRank && active.membershipExpiry && active.membershipExpiry > now
      ? active.membershipExpiry
      : now;
  return {
    membershipType: purchase.membershipType,
    billingCycle: purchase.billingCycle,
    membershipExpiry: addCycle(start, purchase.billingCycle),
  };
}

/**
 * Why `requested` may not be bought by a user holding `current` at `now`, or null when it may:
 * FREE, an unknown plan or an unknown cycle → 400 `Invalid input`; a lower tier than the active
 * one → 409 naming the active plan and its expiry. The same tier (renewal) and higher tiers pass.
 */
export function purchaseRefusal(
  current: Partial<Membership>,
  requested: { membershipType?: unknown; billingCycle?: unknown },
  now: Date,
): AppError | null {
  const { membershipType, billingCycle } = requested;
  if (
    !MEMBERSHIP_TYPES.includes(membershipType as MembershipType) ||
    membershipType === 'FREE' ||
    !BILLING_CYCLES.includes(billingCycle as BillingCycle)
  )
    return appError(MEMBERSHIP_ERRORS.invalidPurchase);
  const active = effectiveMembership(current, now);
  if (tierRank(membershipType as MembershipType) < tierRank(active.membershipType))
    return appError(
      MEMBERSHIP_ERRORS.downgradeRefused,
      active.membershipType,
      active.membershipExpiry!.toISOString(),
    );
  return null;
}
