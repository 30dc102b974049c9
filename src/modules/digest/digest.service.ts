import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ConnectionsRepository } from '../connections/connections.repository';
import { MailProducer } from '../mail/mail.producer';
import { UsersRepository } from '../users/users.repository';
import { yesterdayIn } from '../../common/time/time-zone';
import { wantsEmails } from '../notifications/email-preferences';

/**
 * Daily digest (contract §6.5): at DIGEST_CRON in DIGEST_TIME_ZONE (a job scheduler, see
 * scheduled-jobs), one email per user who received pending requests during the previous calendar
 * day in that zone. Job ids per (user, day) make a repeated run or a retry harmless.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger(DigestService.name);

  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly users: UsersRepository,
    private readonly mail: MailProducer,
    private readonly config: AppConfig,
  ) {}

  /** Returns how many digests this run queued (a receiver's second one for a day is a no-op). */
  async run(now = new Date()): Promise<number> {
    const { day, start, end } = yesterdayIn(now, this.config.digest.timeZone);
    const counts = await this.connections.pendingCountsByReceiver(start, end);
    // Deleted or unverified receivers, and those who turned the digest off, are skipped.
    const targets = (await this.users.findMailTargets(counts.map((c) => c._id))).filter((user) =>
      wantsEmails(user.notificationPrefs, 'digest'),
    );
    const countById = new Map(counts.map((c) => [c._id.toHexString(), c.count]));
    let queued = 0;
    for (const user of targets) {
      const userId = user._id.toHexString();
      const sent = await this.mail.sendDigest(
        { userId, to: user.emailId, firstName: user.firstName, count: countById.get(userId) ?? 0 },
        day,
      );
      if (sent) queued++;
    }
    this.logger.log({ msg: 'Digest run finished', day, receivers: counts.length, queued });
    // A digest the queue refused fails the run, so its retry sends it (the others dedupe).
    if (queued < targets.length) {
      throw new Error(`${targets.length - queued} of ${targets.length} digests were not queued`);
    }
    return queued;
  }
}
