import { ApiProperty } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import { PageInfoDoc } from '../../common/pagination/page-info.docs';
import type { ConnectionStatus } from '../connections/connection.schema';
import { RequestUserDoc, SafeUserDoc } from '../users/user.docs';
import type { RequestsService, toConnectionView } from './requests.service';

type ListItem<Method extends 'received' | 'sent'> = Awaited<
  ReturnType<RequestsService[Method]>
>['data'][number];

/** A request or connection between two users (contract §2.3), one per pair. */
@Describes<ReturnType<typeof toConnectionView>>()
export class ConnectionDoc {
  /** @example 6660a1b2c3d4e5f601234567 */
  _id!: string;
  /** The two user ids, sorted and joined by `_`. */
  pairKey!: string;
  /** Who sent it. @example 665f1c2e9b1e8a3d4c5b6a70 */
  fromUserId!: string;
  /** Who received it. @example 665f1c2e9b1e8a3d4c5b6a7f */
  toUserId!: string;
  status!: ConnectionStatus;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
  /** Version key, as stored. @example 0 */
  @ApiProperty({ type: 'integer' })
  __v!: number;
}

/** A pending request addressed to the caller. */
@Describes<ListItem<'received'>>()
export class ReceivedRequestDoc {
  /** The connection id (to review it). */
  _id!: string;
  /** The sender. */
  fromUserId!: RequestUserDoc;
}

/** A pending request the caller sent. */
@Describes<ListItem<'sent'>>()
export class SentRequestDoc {
  /** The connection id (to withdraw it). */
  _id!: string;
  /** The receiver. */
  toUserId!: RequestUserDoc;
}

export class ConnectionResponse extends SuccessResponse {
  data!: ConnectionDoc;
}

export class ReceivedRequestsResponse extends SuccessResponse {
  /** Newest first; requests of deleted users are left out. */
  data!: ReceivedRequestDoc[];
  pagination!: PageInfoDoc;
}

export class SentRequestsResponse extends SuccessResponse {
  /** Newest first; requests to deleted users are left out. */
  data!: SentRequestDoc[];
  pagination!: PageInfoDoc;
}

export class ConnectionsResponse extends SuccessResponse {
  /** The other user of each accepted connection, newest connection first. */
  data!: SafeUserDoc[];
  pagination!: PageInfoDoc;
}
