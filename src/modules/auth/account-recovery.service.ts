import { Injectable, Logger } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { appError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { MailProducer } from '../mail/mail.producer';
import { passwordResetTokenKey } from '../mail/password-reset-token';
import { newVerificationNonce, verificationTokenFor } from '../mail/verification-token';
import type { UserRecord } from '../users/user.schema';
import { UsersRepository } from '../users/users.repository';
import { AUTH_ERRORS } from './auth.errors';
import { PasswordResetLimits } from './password-reset-limits';
import { PasswordResetsRepository } from './password-resets.repository';
import { SessionsRepository } from './sessions.repository';
import { sha256Hex } from './token.service';

export const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000;

/**
 * Forgotten passwords: an emailed single-use link (30 minutes), then a new password that ends
 * every session of the account.
 */
@Injectable()
export class AccountRecoveryService {
  private readonly logger = new Logger(AccountRecoveryService.name);
  private readonly tokenKey: Buffer;

  constructor(
    private readonly users: UsersRepository,
    private readonly resets: PasswordResetsRepository,
    private readonly sessions: SessionsRepository,
    private readonly limits: PasswordResetLimits,
    private readonly mail: MailProducer,
    private readonly config: AppConfig,
  ) {
    this.tokenKey = passwordResetTokenKey(config.auth.accessSecret);
  }

  /**
   * The same answer and the same awaited work for known and unknown addresses: the address
   * limit, one lookup and a token. What only an account gets (its stored link and the email) is
   * not awaited, so the response time does not tell whether the account exists.
   */
  async forgot(emailId: string, now = new Date()): Promise<void> {
    await this.limits.count(emailId, now.getTime());
    const user = await this.users.findByEmailWithSecrets(emailId);
    const nonce = newVerificationNonce();
    const tokenHash = sha256Hex(verificationTokenFor(this.tokenKey, nonce));
    if (!user) return;
    void this.issue(user, nonce, tokenHash, now).catch((error: unknown) =>
      this.logger.error({
        msg: 'Password reset link not issued',
        userId: user._id.toHexString(),
        err: error,
      }),
    );
  }

  /**
   * Uses the link (once: an atomic conditional update), stores the new password, ends every
   * session of the account (their access tokens and sockets with them, as logout does) and
   * tells the owner by email.
   */
  async reset(token: string, password: string, now = new Date()): Promise<void> {
    const used = await this.resets.consume(sha256Hex(token), now);
    if (!used) throw appError(AUTH_ERRORS.resetLinkInvalid);
    const hash = await bcrypt.hash(password, this.config.auth.bcryptCost);
    const user = await this.users.updatePasswordHash(used.userId, hash);
    if (!user) throw appError(AUTH_ERRORS.resetLinkInvalid);
    await this.resets.retireAllForUser(used.userId, now);
    const revoked = await this.sessions.revokeAllForUser(used.userId, 'password-reset');
    this.logger.log({
      msg: 'Password reset; every session revoked',
      userId: used.userId.toHexString(),
      revoked,
    });
    await this.mail.sendPasswordChanged(
      { userId: used.userId.toHexString(), to: user.emailId, firstName: user.firstName },
      used._id.toHexString(),
    );
  }

  private async issue(user: UserRecord, nonce: string, tokenHash: string, now: Date) {
    const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
    await this.resets.create({ userId: user._id, tokenHash, expiresAt });
    await this.mail.sendPasswordReset({
      userId: user._id.toHexString(),
      to: user.emailId,
      firstName: user.firstName,
      tokenNonce: nonce,
    });
    this.logger.log({ msg: 'Password reset link issued', userId: user._id.toHexString() });
  }
}
