import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import type { BillingCycle, MembershipType } from '../plans/plans';
import type { Gender } from './user.schema';
import type { ProfileUserView, RequestUserView, SafeUserView, SelfUserView } from './user.views';

/** The caller's own profile (contract §2.1): the document minus secrets. */
@Describes<SelfUserView>()
export class SelfUserDoc {
  /** @example 665f1c2e9b1e8a3d4c5b6a70 */
  _id!: string;
  /** @example Asha */
  firstName!: string;
  /** Absent when never set. @example Rao */
  lastName?: string;
  /** Trimmed and lowercased. @example asha@example.com */
  emailId!: string;
  /** Absent until set. @example 27 */
  @ApiProperty({ type: 'integer' })
  age?: number;
  /** Absent until set. */
  gender?: Gender;
  /** Absent until set. @example https://example.com/asha.jpg */
  photoUrl?: string;
  /** "" until the user writes one. */
  about!: string;
  /** @example ["React", "Go"] */
  skills!: string[];
  githubUsername!: string | null;
  /** An expired membership reads as FREE. */
  membershipType!: MembershipType;
  billingCycle!: BillingCycle | null;
  @ApiProperty({ format: 'date-time' })
  membershipExpiry!: string | null;
  onboardingComplete!: boolean;
  emailVerified!: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** Another user as feed items and connections show them (contract §2.2 `SafeUser`). */
@Describes<SafeUserView>()
export class SafeUserDoc {
  /** @example 665f1c2e9b1e8a3d4c5b6a7f */
  _id!: string;
  /** @example Ravi */
  firstName!: string;
  /** Absent when never set. @example Iyer */
  lastName?: string;
  /** "" until the user writes one. */
  about!: string;
  /** Absent until set. */
  photoUrl?: string;
  /** @example ["Go", "Rust"] */
  skills!: string[];
  /** Absent until set. */
  @ApiProperty({ type: 'integer' })
  age?: number;
  /** Absent until set. */
  gender?: Gender;
  /** An expired membership reads as FREE. */
  membershipType!: MembershipType;
  /** `true` for ELITE members (an entitlement); absent otherwise. @example true */
  verifiedBadge?: boolean;
}

/** A user in the request lists (contract §2.2 `RequestUser`): the safe view without skills. */
@Describes<RequestUserView>()
export class RequestUserDoc extends OmitType(SafeUserDoc, ['skills'] as const) {}

/** Another user's profile page (contract §2.2 `ProfileUser`): the safe view plus GitHub. */
@Describes<ProfileUserView>()
export class ProfileUserDoc extends SafeUserDoc {
  githubUsername!: string | null;
}

export class SelfUserResponse extends SuccessResponse {
  data!: SelfUserDoc;
}

export class ProfileUserResponse extends SuccessResponse {
  data!: ProfileUserDoc;
}
