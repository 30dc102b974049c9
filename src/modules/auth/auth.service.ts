import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { AppError } from '../../common/errors/app-error';
import { STRONG_PASSWORD } from '../../common/validation/transforms';
import { AppConfig } from '../../config/app-config';
import { MailProducer } from '../mail/mail.producer';
import { toSelfView, SelfUserView } from '../users/user.views';
import { UsersRepository } from '../users/users.repository';
import type { IssuedTokens } from './auth-cookies';
import type { LoginDto } from './dto/login.dto';
import type { SignupDto } from './dto/signup.dto';
import type { ChangePasswordDto } from './dto/change-password.dto';
import { SessionsRepository } from './sessions.repository';
import { AccessClaims, sha256Hex, TokenService } from './token.service';

export const EMAIL_VERIFY_TTL_MS = 24 * 60 * 60 * 1000;
/** A just-rotated refresh token still works this long (the SPA refreshes concurrently, §9.6 M5). */
export const REFRESH_GRACE_MS = 30_000;

const OBJECT_ID = /^[0-9a-f]{24}$/;

export interface SessionContext {
  userAgent?: string;
}

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  /** Compared against for unknown emails, so they cost the same bcrypt time as wrong passwords. */
  private dummyHash = '';

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokenService,
    private readonly mail: MailProducer,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await bcrypt.hash(
      randomBytes(16).toString('hex'),
      this.config.auth.bcryptCost,
    );
  }

  async signup(dto: SignupDto): Promise<SelfUserView> {
    const { token, tokenHash, expiry } = this.newVerificationToken();
    const user = await this.users.create({
      firstName: dto.firstName,
      lastName: dto.lastName,
      emailId: dto.emailId,
      password: await bcrypt.hash(dto.password, this.config.auth.bcryptCost),
      emailVerifyToken: tokenHash,
      emailVerifyExpiry: expiry,
    });
    // The account is committed: a queue outage must not turn this into an error. The user can
    // ask for the email again (resend-verification), which issues a new link.
    await this.mail.sendVerification({
      userId: user._id.toHexString(),
      to: user.emailId,
      firstName: user.firstName,
      verifyToken: token,
    });
    this.logger.log({ msg: 'User signed up', userId: user._id.toHexString() });
    return toSelfView(user);
  }

  /**
   * The password is checked before anything about the account is revealed, and an unknown email
   * still runs one bcrypt comparison, so timing and messages do not tell whether it exists.
   */
  async login(
    dto: LoginDto,
    context: SessionContext,
  ): Promise<{ user: SelfUserView; tokens: IssuedTokens }> {
    const user = await this.users.findByEmailWithSecrets(dto.emailId);
    const matches = await bcrypt.compare(dto.password, user?.password ?? this.dummyHash);
    if (!user || !matches) {
      this.logger.log({ msg: 'Login failed', reason: user ? 'password' : 'unknown-account' });
      throw new AppError('BAD_REQUEST', 'Invalid Credentials');
    }
    if (!user.emailVerified) {
      throw new AppError('FORBIDDEN', 'Please verify your email before logging in');
    }
    const tokens = await this.startSession(user._id, context);
    this.logger.log({ msg: 'User logged in', userId: user._id.toHexString() });
    return { user: toSelfView(user), tokens }; // the view picks public fields only
  }

  /**
   * Rotates the refresh token. A token rotated less than REFRESH_GRACE_MS ago gets the current
   * pair back (concurrent refreshes); any older token is a replay, and revokes the whole session.
   */
  async refresh(refreshToken: string | undefined): Promise<IssuedTokens> {
    if (!refreshToken) throw new AppError('UNAUTHORIZED', 'Refresh token missing');
    const invalid = () => new AppError('UNAUTHORIZED', 'Invalid refresh token');
    const claims = this.tokens.verifyRefresh(refreshToken);
    if (!claims) throw invalid();
    const sessionId = new Types.ObjectId(claims.sid);
    const presentedHash = sha256Hex(refreshToken);
    const now = new Date();

    for (let attempt = 0; attempt < 2; attempt++) {
      const session = await this.sessions.findById(sessionId);
      if (
        !session ||
        session.revokedAt ||
        session.expiresAt <= now ||
        session.userId.toHexString() !== claims.userId
      ) {
        throw invalid();
      }
      if (claims.gen === session.generation && presentedHash === session.tokenHash) {
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
        });
        if (rotated)
          return {
            refreshToken: token,
            accessToken: this.tokens.signAccess(session.userId, sessionId),
          };
        continue; // a concurrent refresh rotated first: re-read and take the grace path
      }
      const inGrace =
        claims.gen === session.generation - 1 &&
        presentedHash === session.previousTokenHash &&
        session.rotatedAt !== null &&
        now.getTime() - session.rotatedAt.getTime() <= REFRESH_GRACE_MS;
      if (inGrace) {
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
    if (typeof sid !== 'string' || !OBJECT_ID.test(sid)) return;
    try {
      await this.sessions.revoke(new Types.ObjectId(sid), 'logout');
    } catch (error) {
      // Logout always succeeds for the client (cookies are cleared); the failure is logged.
      this.logger.error({ msg: 'Session revoke on logout failed', sessionId: sid, err: error });
    }
  }

  async verifyEmail(token: string): Promise<void> {
    const user = await this.users.verifyEmail(sha256Hex(token), new Date());
    if (!user) throw new AppError('BAD_REQUEST', 'Invalid or expired verification link');
    this.logger.log({ msg: 'Email verified', userId: user._id.toHexString() });
    await this.mail.sendWelcome({
      userId: user._id.toHexString(),
      to: user.emailId,
      firstName: user.firstName,
    });
  }

  /** Same answer whatever happens (no account enumeration); a new link replaces the old one. */
  async resendVerification(emailId: string | null | undefined): Promise<void> {
    if (!emailId) return;
    const user = await this.users.findByEmailWithSecrets(emailId);
    if (!user || user.emailVerified) return;
    const { token, tokenHash, expiry } = this.newVerificationToken();
    if (!(await this.users.setVerifyToken(user._id, tokenHash, expiry))) return;
    await this.mail.sendVerification({
      userId: user._id.toHexString(),
      to: user.emailId,
      firstName: user.firstName,
      verifyToken: token,
    });
  }

  /**
   * Checks in the contract's order, then saves the new hash, revokes every other session and
   * rotates the caller's own, so only this device stays signed in.
   */
  async changePassword(
    auth: AuthenticatedUser,
    dto: ChangePasswordDto,
  ): Promise<{ user: SelfUserView; tokens: IssuedTokens }> {
    if (!dto.password || !dto.newPassword) {
      throw new AppError('BAD_REQUEST', 'Current password and new password are required');
    }
    if (dto.password === dto.newPassword) {
      throw new AppError(
        'BAD_REQUEST',
        'New password should not be the same as the current password',
      );
    }
    if (!STRONG_PASSWORD.test(dto.newPassword))
      throw new AppError('BAD_REQUEST', 'New password is weak');
    const stored = await this.users.findByIdWithPassword(auth.userId);
    if (!stored) throw new AppError('NOT_FOUND', 'User not found');
    if (!(await bcrypt.compare(dto.password, stored.password))) {
      throw new AppError('BAD_REQUEST', 'Current password is incorrect');
    }
    const updated = await this.users.updatePasswordHash(
      auth.userId,
      await bcrypt.hash(dto.newPassword, this.config.auth.bcryptCost),
    );
    if (!updated) throw new AppError('NOT_FOUND', 'User not found');
    await this.sessions.revokeAllForUser(auth.userId, 'password-change', auth.sessionId);
    await this.sessions.revoke(auth.sessionId, 'password-change');
    const tokens = await this.startSession(auth.userId, {});
    this.logger.log({
      msg: 'Password changed; other sessions revoked',
      userId: auth.userId.toHexString(),
    });
    return { user: toSelfView(updated), tokens };
  }

  /**
   * The identity behind an access token, shared by the HTTP guard and the socket handshake.
   * Checks the session too, so logout and password changes end access tokens at once.
   */
  async authenticate(claims: Partial<AccessClaims>): Promise<AuthenticatedUser> {
    if (typeof claims.userId !== 'string' || !OBJECT_ID.test(claims.userId)) {
      throw new AppError('UNAUTHORIZED', 'Invalid token');
    }
    if (typeof claims.sid !== 'string' || !OBJECT_ID.test(claims.sid)) {
      throw new AppError('UNAUTHORIZED', 'Invalid or expired access token');
    }
    const userId = new Types.ObjectId(claims.userId);
    const sessionId = new Types.ObjectId(claims.sid);
    const [session, user] = await Promise.all([
      this.sessions.findActive(sessionId, new Date()),
      this.users.findById(userId),
    ]);
    if (!session || !session.userId.equals(userId)) {
      throw new AppError('UNAUTHORIZED', 'Invalid or expired access token');
    }
    if (!user) throw new AppError('UNAUTHORIZED', 'User not found');
    return { user, userId, sessionId };
  }

  /** For long-lived sockets: is the session they authenticated with still usable? */
  async isSessionActive(sessionId: string): Promise<boolean> {
    if (!OBJECT_ID.test(sessionId)) return false;
    return (await this.sessions.findActive(new Types.ObjectId(sessionId), new Date())) !== null;
  }

  /**
   * For socket handshakes: a raw access JWT to an identity, with the HTTP messages. The signature
   * must be ours but the token may be past its expiry: a socket outlives the 15-minute access
   * cookie, and the session (live, unrevoked, same user) is what decides, as on every request.
   */
  async authenticateSocketToken(token: string | undefined): Promise<AuthenticatedUser> {
    if (!token) throw new AppError('UNAUTHORIZED', 'Authentication Required');
    const claims = this.tokens.verifyAccess(token, { ignoreExpiration: true });
    if (!claims) throw new AppError('UNAUTHORIZED', 'Invalid or expired access token');
    return this.authenticate(claims);
  }

  /** For the socket cookie: is this an access JWT we signed (expired or not)? No session lookup. */
  isSignedAccessToken(token: string): boolean {
    return this.tokens.verifyAccess(token, { ignoreExpiration: true }) !== null;
  }

  private async startSession(
    userId: Types.ObjectId,
    context: SessionContext,
  ): Promise<IssuedTokens> {
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
    } as Parameters<SessionsRepository['create']>[0]);
    return { refreshToken, accessToken: this.tokens.signAccess(userId, sessionId) };
  }

  /** JWT times have second precision; keep the stored dates identical to the signed claims. */
  private nextRefreshWindow(now: Date): { issuedAt: Date; expiresAt: Date } {
    const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    return { issuedAt, expiresAt: new Date(issuedAt.getTime() + this.config.auth.refreshTtlMs) };
  }

  private newVerificationToken() {
    const token = randomBytes(32).toString('hex');
    return {
      token,
      tokenHash: sha256Hex(token),
      expiry: new Date(Date.now() + EMAIL_VERIFY_TTL_MS),
    };
  }
}
