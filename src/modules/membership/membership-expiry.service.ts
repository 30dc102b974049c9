import { Injectable, Logger } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository';

const BATCH = 500;

/**
 * Writes FREE for memberships whose expiry has passed. Reads already show FREE for an expired
 * plan (lazy on read); this makes the stored documents agree. Runs hourly (a job scheduler, see
 * scheduled-jobs); the write is conditional on the expiry still being past, so a renewal that
 * lands meanwhile is never undone, and a repeated run or a retry is harmless.
 */
@Injectable()
export class MembershipExpiryService {
  private readonly logger = new Logger(MembershipExpiryService.name);

  constructor(private readonly users: UsersRepository) {}

  /** Returns how many memberships it downgraded. */
  async run(now = new Date()): Promise<number> {
    let downgraded = 0;
    for (;;) {
      const count = await this.users.downgradeExpired(now, BATCH);
      downgraded += count;
      if (count < BATCH) break;
    }
    this.logger.log({ msg: 'Membership downgrade run finished', downgraded });
    return downgraded;
  }
}
