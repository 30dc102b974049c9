import { Injectable, Logger } from '@nestjs/common';
import { PasswordResetsRepository } from './password-resets.repository';
import { SessionsRepository } from './sessions.repository';

/** Keep revoked sessions a week for audits (reuse detection reports), then drop them. */
const KEEP_REVOKED_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Deletes sessions that can no longer be used. Runs hourly in the worker (a job scheduler, see
 * scheduled-jobs); the test database has no TTL indexes, so expiry is an explicit sweep.
 */
@Injectable()
export class SessionCleanupService {
  private readonly logger = new Logger(SessionCleanupService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly resets: PasswordResetsRepository,
  ) {}

  async sweep(now = new Date()): Promise<number> {
    const deleted = await this.sessions.deleteExpired(
      now,
      new Date(now.getTime() - KEEP_REVOKED_MS),
    );
    if (deleted > 0) this.logger.log({ msg: 'Expired sessions deleted', deleted });
    const links = await this.resets.deleteExpired(now);
    if (links > 0) this.logger.log({ msg: 'Expired password reset links deleted', deleted: links });
    return deleted;
  }
}
