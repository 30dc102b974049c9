import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { appError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { STRONG_PASSWORD } from '../../common/validation/transforms';
import { AppConfig } from '../../config/app-config';
import { MailProducer } from '../mail/mail.producer';
import {
  newVerificationNonce,
  verificationTokenFor,
  verificationTokenKey,
} from '../mail/verification-token';
import { toSelfView, SelfUserView } from '../users/user.views';
import { USER_ERRORS } from '../users/users.errors';
import { UsersRepository } from '../users/users.repository';
import { AUTH_ERRORS } from './auth.errors';
import type { IssuedTokens } from './auth-cookies';
import type { LoginDto } from './dto/login.dto';
import type { SignupDto } from './dto/signup.dto';
import { LoginAttemptsStore } from './login-attempts.store';
import { SessionContext, SessionsService } from './sessions.service';
import { sha256Hex } from './token.service';

export const EMAIL_VERIFY_TTL_MS = 24 * 60 * 60 * 1000;

/** A password change as validated by the caller's DTO (profile's `PATCH /profile/password`). */
export interface PasswordChange {
  password?: string;
  newPassword?: string;
}

/**
 * The account lifecycle: sign-up, email verification, credentials and password. Sessions and
 * tokens are {@link SessionsService}'s: this service only asks it to start or restart one.
 */
@Injectable()
export class AccountsService implements OnModuleInit {
  private readonly logger = new Logger(AccountsService.name);
  /** Compared against for unknown emails, so they cost the same bcrypt time as wrong passwords. */
  private dummyHash = '';
  private readonly verificationKey: Buffer;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly mail: MailProducer,
    private readonly config: AppConfig,
    private readonly attempts: LoginAttemptsStore,
  ) {
    this.verificationKey = verificationTokenKey(config.auth.accessSecret);
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await bcrypt.hash(
      randomBytes(16).toString('hex'),
      this.config.auth.bcryptCost,
    );
  }

  async signup(dto: SignupDto): Promise<SelfUserView> {
    const { nonce, tokenHash, expiry } = this.newVerificationToken();
    const user = await this.users
      .create({
        firstName: dto.firstName,
        lastName: dto.lastName,
        emailId: dto.emailId,
        password: await bcrypt.hash(dto.password, this.config.auth.bcryptCost),
        emailVerifyToken: tokenHash,
        emailVerifyExpiry: expiry,
      })
      .catch((error: unknown) => {
        // `emailId` is the users collection's only unique key besides `_id`: say so here, not
        // by guessing from the error text (FerretDB does not name the index).
        if (isDuplicateKeyError(error)) throw appError(COMMON_ERRORS.emailTaken);
        throw error;
      });
    // The account is committed: a queue outage must not turn this into an error. The user can
    // ask for the email again (resend-verification), which issues a new link.
    await this.mail.sendVerification({
      userId: user._id.toHexString(),
      to: user.emailId,
      firstName: user.firstName,
      tokenNonce: nonce,
    });
    this.logger.log({ msg: 'User signed up', userId: user._id.toHexString() });
    return toSelfView(user);
  }

  /**
   * The password is checked before anything about the account is revealed, and an unknown email
   * still runs one bcrypt comparison, so timing and messages do not tell whether it exists. The
   * attempt limits (login-attempts.ts) run first and treat unknown emails like accounts; a right
   * password (even on an unverified account) is not a failure.
   */
  async login(
    dto: LoginDto,
    clientIp: string,
    context: SessionContext,
  ): Promise<{ user: SelfUserView; tokens: IssuedTokens }> {
    const attempt = await this.attempts.begin(clientIp, dto.emailId);
    const user = await this.users.findByEmailWithSecrets(dto.emailId);
    const matches = await bcrypt.compare(dto.password, user?.password ?? this.dummyHash);
    if (!user || !matches) {
      this.logger.log({ msg: 'Login failed', reason: user ? 'password' : 'unknown-account' });
      throw appError(AUTH_ERRORS.invalidCredentials);
    }
    await this.attempts.succeeded(attempt);
    if (!user.emailVerified) {
      throw appError(AUTH_ERRORS.emailNotVerified);
    }
    const tokens = await this.sessions.start(user._id, context);
    this.logger.log({ msg: 'User logged in', userId: user._id.toHexString() });
    return { user: toSelfView(user), tokens }; // the view picks public fields only
  }

  async verifyEmail(token: string): Promise<void> {
    const user = await this.users.verifyEmail(sha256Hex(token), new Date());
    if (!user) throw appError(AUTH_ERRORS.verificationLinkInvalid);
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
    const { nonce, tokenHash, expiry } = this.newVerificationToken();
    if (!(await this.users.setVerifyToken(user._id, tokenHash, expiry))) return;
    await this.mail.sendVerification({
      userId: user._id.toHexString(),
      to: user.emailId,
      firstName: user.firstName,
      tokenNonce: nonce,
    });
  }

  /**
   * Checks in the contract's order, then saves the new hash, revokes every other session and
   * rotates the caller's own, so only this device stays signed in.
   */
  async changePassword(
    auth: AuthenticatedUser,
    dto: PasswordChange,
  ): Promise<{ user: SelfUserView; tokens: IssuedTokens }> {
    if (!dto.password || !dto.newPassword) {
      throw appError(AUTH_ERRORS.passwordsRequired);
    }
    if (dto.password === dto.newPassword) {
      throw appError(AUTH_ERRORS.passwordUnchanged);
    }
    if (!STRONG_PASSWORD.test(dto.newPassword)) throw appError(AUTH_ERRORS.newPasswordWeak);
    const stored = await this.users.findByIdWithPassword(auth.userId);
    if (!stored) throw appError(USER_ERRORS.notFound);
    if (!(await bcrypt.compare(dto.password, stored.password))) {
      throw appError(AUTH_ERRORS.currentPasswordIncorrect);
    }
    const updated = await this.users.updatePasswordHash(
      auth.userId,
      await bcrypt.hash(dto.newPassword, this.config.auth.bcryptCost),
    );
    if (!updated) throw appError(USER_ERRORS.notFound);
    const tokens = await this.sessions.restartAfterPasswordChange(auth);
    this.logger.log({
      msg: 'Password changed; other sessions revoked',
      userId: auth.userId.toHexString(),
    });
    return { user: toSelfView(updated), tokens };
  }

  /** Only the nonce goes to the queue; the worker derives the same token for the link. */
  private newVerificationToken() {
    const nonce = newVerificationNonce();
    return {
      nonce,
      tokenHash: sha256Hex(verificationTokenFor(this.verificationKey, nonce)),
      expiry: new Date(Date.now() + EMAIL_VERIFY_TTL_MS),
    };
  }
}
