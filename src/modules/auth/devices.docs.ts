import { ApiProperty } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import type { SessionView } from './devices.views';

/** One live session (a signed-in device). */
@Describes<SessionView>()
export class SessionDoc {
  /** The session id, for `DELETE /auth/sessions/{id}`. @example 665f1c2e9b1e8a3d4c5b6a70 */
  id!: string;
  /** Browser and OS, coarsely, from the User-Agent at login. @example Chrome on Windows */
  device!: string;
  /**
   * The client's network at the last login or refresh: IPv4 /24 or IPv6 /48; null when unknown.
   * @example 203.0.113.x
   */
  @ApiProperty({ nullable: true, type: String })
  ip!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  /** The last login or token refresh (not every request). */
  @ApiProperty({ format: 'date-time' })
  lastUsedAt!: string;
  /** True for the session making this request. */
  current!: boolean;
}

export class SessionsResponse extends SuccessResponse {
  /** Newest first, at most 50. */
  data!: SessionDoc[];
}

/** `DELETE /auth/sessions`: how many sessions were ended. */
export class RevokedSessionsDoc {
  /** @example 2 */
  revoked!: number;
}

export class RevokedSessionsResponse extends SuccessResponse {
  data!: RevokedSessionsDoc;
}
