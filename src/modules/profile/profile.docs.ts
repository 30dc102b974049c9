import { NotificationPreferencesDoc } from '../notifications/notifications.docs';
import { ApiProperty } from '@nestjs/swagger';
import {
  Describes,
  RateLimitedResponse,
  SuccessResponse,
} from '../../common/http/api-response.docs';
import { SelfUserDoc } from '../users/user.docs';
import type {
  AccountExportView,
  ExportConnectionView,
  ExportMembershipView,
  ExportMessageView,
  ExportPaymentView,
  ExportPersonView,
  ExportProfileView,
  ExportSessionView,
} from './account-export.views';
import type { BoostView } from './profile-boost.rules';

/** A started profile boost. */
@Describes<BoostView>()
export class BoostDoc {
  @ApiProperty({ format: 'date-time' })
  boostedAt!: string;
  /** First in everyone's feed until then (30 minutes). */
  @ApiProperty({ format: 'date-time' })
  boostedUntil!: string;
  /** The next boost may start then (7 days after this one). */
  @ApiProperty({ format: 'date-time' })
  nextBoostAt!: string;
}

export class BoostResponse extends SuccessResponse {
  data!: BoostDoc;
}

/** 429 of a boost within 7 days of the previous one. */
export class BoostCoolingDownResponse extends RateLimitedResponse {
  /** When the next boost may start. */
  @ApiProperty({ format: 'date-time' })
  nextBoostAt!: string;
}

/** Another user in the export: public `ChatUser` fields only. */
@Describes<ExportPersonView>()
export class ExportPersonDoc {
  _id!: string;
  firstName!: string;
  /** Absent when never set. */
  lastName?: string;
  /** Absent when none. */
  photoUrl?: string;
  /** `true` when that account was deleted since ("Deleted user"); absent otherwise. */
  @ApiProperty({ enum: [true], required: false })
  deleted?: true;
}

/** The caller's profile: the self view plus the feed dates. */
@Describes<ExportProfileView>()
export class ExportProfileDoc extends SelfUserDoc {
  /** Until when the profile came first in feeds (the last ELITE grant). */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  feedPriorityUntil!: string | null;
  /** When the last profile boost started. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  boostedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  boostedUntil!: string | null;
  notificationPreferences!: NotificationPreferencesDoc;
}

@Describes<ExportMembershipView>()
export class ExportMembershipDoc {
  /** An expired membership reads as FREE. */
  membershipType!: string;
  billingCycle!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  membershipExpiry!: string | null;
}

/** A request, swipe or connection, either direction. */
@Describes<ExportConnectionView>()
export class ExportConnectionDoc {
  _id!: string;
  /** `interested` (pending request), `ignored`, `accepted` (connection) or `rejected`. */
  status!: string;
  /** `sent`: the caller swiped or asked; `received`: the other user did. */
  @ApiProperty({ enum: ['sent', 'received'] })
  direction!: 'sent' | 'received';
  user!: ExportPersonDoc;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** A message the caller sent. */
@Describes<ExportMessageView>()
export class ExportMessageDoc {
  _id!: string;
  chatId!: string;
  /** The other participant's id. */
  to!: string | null;
  text!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@Describes<ExportPaymentView>()
export class ExportPaymentDoc {
  orderId!: string;
  paymentId!: string | null;
  /** In paise. */
  @ApiProperty({ type: 'integer' })
  amount!: number;
  currency!: string;
  receipt!: string;
  membershipType!: string;
  billingCycle!: string;
  /** created, authorized, captured or failed. */
  status!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** One login on one device. */
@Describes<ExportSessionView>()
export class ExportSessionDoc {
  _id!: string;
  /** The browser or device that logged in, as it named itself (null when unknown). */
  userAgent!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  /** When it was ended (logout, password change, refresh-token reuse); null while usable. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;
  /** The session this export was asked from. */
  current!: boolean;
}

export class ExportConnectionsDoc {
  items!: ExportConnectionDoc[];
  /** More than 10,000: the rest is left out. */
  truncated!: boolean;
}

export class ExportMessagesDoc {
  items!: ExportMessageDoc[];
  /** More than 10,000: the newest chats' messages come first, the rest is left out. */
  truncated!: boolean;
}

export class ExportPaymentsDoc {
  items!: ExportPaymentDoc[];
  /** More than 1,000. */
  truncated!: boolean;
}

export class ExportSessionsDoc {
  items!: ExportSessionDoc[];
  /** More than 1,000. */
  truncated!: boolean;
}

/** Everything stored about the caller (no password hash, tokens or other users' private fields). */
@Describes<AccountExportView>()
export class AccountExportDoc {
  @ApiProperty({ format: 'date-time' })
  exportedAt!: string;
  profile!: ExportProfileDoc;
  membership!: ExportMembershipDoc;
  connections!: ExportConnectionsDoc;
  messages!: ExportMessagesDoc;
  payments!: ExportPaymentsDoc;
  sessions!: ExportSessionsDoc;
}

export class AccountExportResponse extends SuccessResponse {
  data!: AccountExportDoc;
}
