import { ApiProperty } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import type { MembershipStatusView, PlanView, SwipesTodayView } from './membership.views';
import type { BillingCycle, Entitlements, MembershipType } from '../plans/plans';

/** What a plan entitles its holder to; enforced by the API. */
@Describes<Entitlements>()
export class EntitlementsDoc {
  /** Swipes (interested + ignored) per day, the day in DIGEST_TIME_ZONE; null = unlimited. @example 10 */
  @ApiProperty({ type: 'integer', nullable: true })
  dailySwipes!: number | null;
  /** May filter the feed by skills (`skills=`). */
  skillFilter!: boolean;
  /** Sees when sent messages were read. */
  readReceipts!: boolean;
  /** Comes first in others' feeds. */
  feedPriority!: boolean;
  /** May boost the profile to the top of feeds. */
  profileBoost!: boolean;
  /** Shows a verified badge in public views. */
  verifiedBadge!: boolean;
  /**
   * "See who liked you": true for every plan, on purpose — a FREE user must see and accept the
   * requests sent to them, so the received-requests list stays open to all plans.
   */
  receivedRequests!: boolean;
}

/** A price per billing cycle. */
export class CyclePricesDoc {
  /** @example 499 */
  @ApiProperty({ type: 'integer' })
  MONTHLY!: number;
  /** @example 3999 */
  @ApiProperty({ type: 'integer' })
  YEARLY!: number;
}

/** One plan of the plan table. */
@Describes<PlanView>()
export class PlanDoc {
  @ApiProperty({ enum: ['FREE', 'PRO', 'ELITE'] })
  membershipType!: MembershipType;
  /** @example INR */
  @ApiProperty({ enum: ['INR'] })
  currency!: 'INR';
  /** Whole rupees per cycle. */
  priceInr!: CyclePricesDoc;
  /** Gateway amount (rupees × 100) per cycle. */
  amountPaise!: CyclePricesDoc;
  entitlements!: EntitlementsDoc;
}

/** Today's swipes, the day in DIGEST_TIME_ZONE. */
@Describes<SwipesTodayView>()
export class SwipesTodayDoc {
  /** Swipes allowed per day; null = unlimited. @example 10 */
  @ApiProperty({ type: 'integer', nullable: true })
  limit!: number | null;
  /** Swipes made today. @example 3 */
  @ApiProperty({ type: 'integer' })
  used!: number;
  /** Swipes left today; null = unlimited. @example 7 */
  @ApiProperty({ type: 'integer', nullable: true })
  remaining!: number | null;
  /** When today's count resets (midnight in DIGEST_TIME_ZONE). */
  @ApiProperty({ format: 'date-time' })
  resetsAt!: string;
}

/** The caller's plan in force: an expired plan reads as FREE with no cycle or expiry. */
@Describes<MembershipStatusView>()
export class MembershipStatusDoc {
  @ApiProperty({ enum: ['FREE', 'PRO', 'ELITE'] })
  membershipType!: MembershipType;
  @ApiProperty({ enum: ['MONTHLY', 'YEARLY'], nullable: true, type: String })
  billingCycle!: BillingCycle | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  membershipExpiry!: string | null;
  entitlements!: EntitlementsDoc;
  swipesToday!: SwipesTodayDoc;
}

export class PlansResponse extends SuccessResponse {
  /** FREE, PRO, ELITE in tier order. Received requests stay open to all plans. */
  data!: PlanDoc[];
}

export class MembershipStatusResponse extends SuccessResponse {
  data!: MembershipStatusDoc;
}
