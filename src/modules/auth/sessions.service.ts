import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { appError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { isObjectIdString } from '../../common/validation/object-id';
import { AppConfig } from '../../config/app-config';
import { UsersRepository } from '../users/users.repository';
import type { IssuedTokens } from './auth-cookies';
import { AUTH_ERRORS } from './auth.errors';
import { coarseIp } from './client-device';
import { decideRefresh } from './refresh-rotation';
import { SessionsRepository } from './sessions.repository';
import { AccessClaims, sha256Hex, TokenService } from './token.service';

export interface SessionContext {
  userAgent?: string;
  /** The client address as the app resolved it (`req.ip`); only its network is stored. */
  ip?: string;
  /** Already coarse (a session carried over to a new one), when there is no `ip`. */
  ipPrefix?: string;
}

/**
 * Sessions and tokens: one session per login, its rotating refresh token, revocation, and the
 * identity behind an access token (HTTP guard and socket handshakes). Knows nothing of accounts
 * beyond "this user exists".
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  async start(userId: Types.ObjectId, context: SessionContext): Promise<IssuedTokens> {
    const sessionId = new Types.ObjectId();
    const { issuedAt, expiresAt } = this.nextRefreshWindow(new Date());
    const refreshToken = this.tokens.signRefresh(userId, sessionId, 0, issuedAt, expiresAt);
    await this.sessions.create({
      _id: sessionId,
      userId,
      generation: 0,
      tokenHash: sha256Hex(refreshToken),
      issuedAt,
      expiresAt,
      userAgent: context.userAgent?.slice(0, 256),
      ipPrefix: coarseIp(context.ip) ?? context.ipPrefix,
      lastUsedAt: issuedAt,
    } as Parameters<SessionsRepository['create']>[0]);
    return { refreshToken, accessToken: this.tokens.signAccess(userId, sessionId) };
  }

  /**
   * Rotates the refresh token (rules in {@link decideRefresh}). Rotation is conditional on the
   * generation, so of two concurrent refreshes one rotates and the other takes the grace path.
   */
  async refresh(
    refreshToken: string | undefined,
    context: SessionContext = {},
  ): Promise<IssuedTokens> {
    if (!refreshToken) throw appError(AUTH_ERRORS.refreshTokenMissing);
    const invalid = () => appError(AUTH_ERRORS.refreshTokenInvalid);
    const claims = this.tokens.verifyRefresh(refreshToken);
    if (!claims) throw invalid();
    const sessionId = new Types.ObjectId(claims.sid);
    const presentedHash = sha256Hex(refreshToken);
    const now = new Date();
    const ipPrefix = coarseIp(context.ip);

    for (let attempt = 0; attempt < 2; attempt++) {
      const session = await this.sessions.findById(sessionId);
      const decision = decideRefresh(session, claims, presentedHash, now);
      if (decision === 'invalid' || !session) throw invalid();
      if (decision === 'rotate') {
        const next = this.nextRefreshWindow(now);
        const generation = session.generation + 1;
        const token = this.tokens.signRefresh(
          session.userId,
          sessionId,
          generation,
          next.issuedAt,
          next.expiresAt,
        );
        const rotated = await this.sessions.rotate(sessionId, session.generation, {
          generation,
          tokenHash: sha256Hex(token),
          previousTokenHash: presentedHash,
          issuedAt: next.issuedAt,
          expiresAt: next.expiresAt,
          rotatedAt: now,
          lastUsedAt: now,
          ...(ipPrefix ? { ipPrefix } : {}),
        });
        if (rotated) {
          return {
            refreshToken: token,
            accessToken: this.tokens.signAccess(session.userId, sessionId),
          };
        }
        continue; // a concurrent refresh rotated first: re-read and take the grace path
      }
      if (decision === 'grace') {
        // Refresh JWTs are deterministic per (session, generation, issue time): re-sign the current one.
        const current = this.tokens.signRefresh(
          session.userId,
          sessionId,
          session.generation,
          session.issuedAt,
          session.expiresAt,
        );
        if (sha256Hex(current) === session.tokenHash) {
          return {
            refreshToken: current,
            accessToken: this.tokens.signAccess(session.userId, sessionId),
          };
        }
      }
      await this.sessions.revoke(sessionId, 'refresh-token-reuse');
      this.logger.warn({
        msg: 'Refresh token reuse detected; session revoked',
        sessionId: claims.sid,
        userId: claims.userId,
      });
      throw invalid();
    }
    throw invalid();
  }

  /** Revokes the session named by whichever valid cookie is present; never fails. */
  async logout(accessToken: string | undefined, refreshToken: string | undefined): Promise<void> {
    const sid =
      (accessToken && this.tokens.verifyAccess(accessToken)?.sid) ||
      (refreshToken && this.tokens.verifyRefresh(refreshToken)?.sid);
    if (!isObjectIdString(sid)) return;
    try {
      await this.sessions.revoke(new Types.ObjectId(sid), 'logout');
    } catch (error) {
      // Logout always succeeds for the client (cookies are cleared); the failure is logged.
      this.logger.error({ msg: 'Session revoke on logout failed', sessionId: sid, err: error });
    }
  }

  /**
   * Ends every session of the user, the caller's included, and starts a new one for the caller,
   * on the same device as far as the devices list can tell.
   */
  async restartAfterPasswordChange(auth: AuthenticatedUser): Promise<IssuedTokens> {
    await this.sessions.revokeAllForUser(auth.userId, 'password-change', auth.sessionId);
    await this.sessions.revoke(auth.sessionId, 'password-change');
    const previous = await this.sessions.findById(auth.sessionId);
    return this.start(auth.userId, {
      userAgent: previous?.userAgent,
      ipPrefix: previous?.ipPrefix,
    });
  }

  /**
   * Ends every session of the user (account deletion): refresh tokens stop at once and access
   * tokens on their next request, on every instance (the revocations go to the session cache).
   * Safe to repeat: revoked sessions are left as they are.
   */
  async revokeAllOf(userId: Types.ObjectId, reason: string): Promise<number> {
    return this.sessions.revokeAllForUser(userId, reason);
  }

  /** The user's sessions, newest first (the data export); at most `max`. */
  listOf(userId: Types.ObjectId, max: number) {
    return this.sessions.listForUser(userId, max);
  }

  /**
   * The identity behind an access token, shared by the HTTP guard and the socket handshake.
   * Checks the session too, so logout and password changes end access tokens at once.
   */
  async authenticate(claims: Partial<AccessClaims>): Promise<AuthenticatedUser> {
    if (!isObjectIdString(claims.userId)) throw appError(AUTH_ERRORS.tokenInvalid);
    if (!isObjectIdString(claims.sid)) throw appError(COMMON_ERRORS.accessTokenInvalid);
    const userId = new Types.ObjectId(claims.userId);
    const sessionId = new Types.ObjectId(claims.sid);
    const [session, user] = await Promise.all([
      this.sessions.findActive(sessionId, new Date()),
      this.users.findById(userId),
    ]);
    if (!session || !session.userId.equals(userId)) {
      throw appError(COMMON_ERRORS.accessTokenInvalid);
    }
    if (!user) throw appError(AUTH_ERRORS.userGone);
    return { user, userId, sessionId };
  }

  /** For long-lived sockets: is the session they authenticated with still usable? */
  async isSessionActive(sessionId: string): Promise<boolean> {
    if (!isObjectIdString(sessionId)) return false;
    return (await this.sessions.findActive(new Types.ObjectId(sessionId), new Date())) !== null;
  }

  /** {@link isSessionActive} for many sessions in a few round trips; the ids of the live ones. */
  async activeSessionIds(sessionIds: string[]): Promise<Set<string>> {
    const valid = sessionIds.filter(isObjectIdString).map((id) => new Types.ObjectId(id));
    if (valid.length === 0) return new Set();
    return this.sessions.activeAmong(valid, new Date());
  }

  /** For socket handshakes: a current (unexpired) access JWT to an identity, as over HTTP. */
  async authenticateAccessToken(token: string): Promise<AuthenticatedUser> {
    const claims = this.tokens.verifyAccess(token);
    if (!claims) throw appError(COMMON_ERRORS.accessTokenInvalid);
    return this.authenticate(claims);
  }

  /**
   * For socket handshakes on the socket's own credential, which names a session and its user:
   * that user, while that session of theirs lives.
   */
  async authenticateSession(sessionId: string, userId: string): Promise<AuthenticatedUser> {
    return this.authenticate({ sid: sessionId, userId });
  }

  /** The session and user of a current access JWT we signed, without a lookup (synchronous). */
  sessionOfAccessToken(token: string): { sessionId: string; userId: string } | undefined {
    const claims = this.tokens.verifyAccess(token);
    if (!claims || !isObjectIdString(claims.sid) || !isObjectIdString(claims.userId)) {
      return undefined;
    }
    return { sessionId: claims.sid, userId: claims.userId };
  }

  /** JWT times have second precision; keep the stored dates identical to the signed claims. */
  private nextRefreshWindow(now: Date): { issuedAt: Date; expiresAt: Date } {
    const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    return { issuedAt, expiresAt: new Date(issuedAt.getTime() + this.config.auth.refreshTtlMs) };
  }
}
