import { Injectable, Logger } from '@nestjs/common';
import type { Types } from 'mongoose';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { appError } from '../../common/errors/app-error';
import { AUTH_ERRORS } from './auth.errors';
import { toSessionView, SessionView } from './devices.views';
import { SessionsRepository } from './sessions.repository';

/** The newest sessions listed; older live ones can still be revoked all at once. */
export const SESSIONS_LISTED = 50;

/**
 * The caller's devices: their live sessions, and revoking them. Revocation goes through the
 * repository as logout does, so the session cache refuses the session's access token at once on
 * every instance, and its sockets are parked at their next delivery or heartbeat.
 */
@Injectable()
export class DevicesService {
  private readonly logger = new Logger(DevicesService.name);

  constructor(private readonly sessions: SessionsRepository) {}

  async list(auth: AuthenticatedUser, now = new Date()): Promise<SessionView[]> {
    const sessions = await this.sessions.listActive(auth.userId, now, SESSIONS_LISTED);
    return sessions.map((session) => toSessionView(session, auth.sessionId));
  }

  /** Any live session of the caller's, the current one included (that is a remote logout). */
  async revoke(auth: AuthenticatedUser, sessionId: Types.ObjectId): Promise<void> {
    const revoked = await this.sessions.revokeOwn(
      sessionId,
      auth.userId,
      'revoked-by-user',
      new Date(),
    );
    if (!revoked) throw appError(AUTH_ERRORS.sessionNotFound);
    this.logger.log({
      msg: 'Session revoked by its user',
      userId: auth.userId.toHexString(),
      sessionId: sessionId.toHexString(),
    });
  }

  /** Every session of the caller's but the current one; how many were live. */
  async revokeOthers(auth: AuthenticatedUser): Promise<number> {
    const revoked = await this.sessions.revokeAllForUser(
      auth.userId,
      'revoked-by-user',
      auth.sessionId,
    );
    this.logger.log({
      msg: 'Other sessions revoked by their user',
      userId: auth.userId.toHexString(),
      revoked,
    });
    return revoked;
  }
}
