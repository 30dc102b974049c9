/** Membership levels and billing cycles, as stored on the user (contract §4.1). */
export const MEMBERSHIP_TYPES = ['FREE', 'PRO', 'ELITE'] as const;
export type MembershipType = (typeof MEMBERSHIP_TYPES)[number];
export const BILLING_CYCLES = ['MONTHLY', 'YEARLY'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

/** What a plan entitles its holder to; enforced by the API, served by GET /payment/plans. */
export interface Entitlements {
  /** Swipes (interested + ignored) per day in DIGEST_TIME_ZONE; null = unlimited. */
  dailySwipes: number | null;
  skillFilter: boolean;
  readReceipts: boolean;
  feedPriority: boolean;
  profileBoost: boolean;
  verifiedBadge: boolean;
  /** "See who liked you": open to every plan (a FREE user must see and accept requests). */
  receivedRequests: boolean;
}

export interface Plan {
  membershipType: MembershipType;
  /** Whole rupees per billing cycle (contract §3.7). */
  priceInr: Record<BillingCycle, number>;
  entitlements: Entitlements;
}

/** The one plan table: prices (contract §3.7) and entitlements. Higher index = higher tier. */
export const PLANS: readonly Plan[] = [
  {
    membershipType: 'FREE',
    priceInr: { MONTHLY: 0, YEARLY: 0 },
    entitlements: {
      dailySwipes: 10,
      skillFilter: false,
      readReceipts: false,
      feedPriority: false,
      profileBoost: false,
      verifiedBadge: false,
      receivedRequests: true,
    },
  },
  {
    membershipType: 'PRO',
    priceInr: { MONTHLY: 499, YEARLY: 3999 },
    entitlements: {
      dailySwipes: null,
      skillFilter: true,
      readReceipts: true,
      feedPriority: false,
      profileBoost: false,
      verifiedBadge: false,
      receivedRequests: true,
    },
  },
  {
    membershipType: 'ELITE',
    priceInr: { MONTHLY: 999, YEARLY: 7999 },
    entitlements: {
      dailySwipes: null,
      skillFilter: true,
      readReceipts: true,
      feedPriority: true,
      profileBoost: true,
      verifiedBadge: true,
      receivedRequests: true,
    },
  },
];

export function planOf(membershipType: MembershipType): Plan {
  const plan = PLANS.find((p) => p.membershipType === membershipType);
  if (!plan) throw new Error(`No plan ${membershipType}`);
  return plan;
}

/** Tier order: FREE < PRO < ELITE. */
export function tierRank(membershipType: MembershipType): number {
  return PLANS.findIndex((p) => p.membershipType === membershipType);
}

/** Gateway amount in paise (rupees × 100). */
export function amountInPaise(membershipType: MembershipType, cycle: BillingCycle): number {
  return planOf(membershipType).priceInr[cycle] * 100;
}
