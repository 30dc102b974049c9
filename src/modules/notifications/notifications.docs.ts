import { ApiProperty } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import { ChatUserDoc } from '../chat/chat.docs';
import { NOTIFICATION_TYPES } from './notification.schema';
import type { NotificationView } from './notifications.service';
import type { NotificationPreferences } from './email-preferences';

/** One notification of the inbox. */
@Describes<NotificationView>()
export class NotificationDoc {
  _id!: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES })
  type!: NotificationView['type'];
  /** The text pushed with `newNotification`. @example Asha sent you a connection request */
  text!: string;
  /** Who caused it; null once that account is gone. */
  @ApiProperty({ type: ChatUserDoc, nullable: true })
  actor!: ChatUserDoc | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  /** Null while unread. */
  @ApiProperty({ format: 'date-time', nullable: true })
  readAt!: string | null;
}

export class NotificationsPaginationDoc {
  /** More notifications follow. */
  hasMore!: boolean;
  /** Pass as `?before=` for the next page; null on the last page. */
  nextBefore!: string | null;
}

export class NotificationsResponse extends SuccessResponse {
  /** Newest first. */
  data!: NotificationDoc[];
  pagination!: NotificationsPaginationDoc;
}

export class UnreadCountDoc {
  /** Unread notifications, counted up to 100. */
  @ApiProperty({ type: 'integer' })
  count!: number;
  /** True when there are at least 100 (show "99+"). */
  capped!: boolean;
}

export class UnreadCountResponse extends SuccessResponse {
  data!: UnreadCountDoc;
}

export class MarkedReadDoc {
  /** How many of your notifications became read. */
  @ApiProperty({ type: 'integer' })
  updated!: number;
}

export class MarkedReadResponse extends SuccessResponse {
  data!: MarkedReadDoc;
}

/** Which optional emails you get; every other email answers something you did. */
@Describes<NotificationPreferences>()
export class NotificationPreferencesDoc {
  /** The daily email listing the connection requests you received. */
  digest!: boolean;
  /** An email when a message waits unread 15 minutes while you are offline (one per chat per 6 hours). */
  missedMessages!: boolean;
}

export class NotificationPreferencesResponse extends SuccessResponse {
  data!: NotificationPreferencesDoc;
}
