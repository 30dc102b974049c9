import { Injectable, Logger } from '@nestjs/common';
import { retentionCutoffId } from './notifications.rules';
import { NotificationsRepository } from './notifications.repository';

/** Removes notifications older than the retention; daily in the worker (scheduled-jobs). */
@Injectable()
export class NotificationCleanupService {
  private readonly logger = new Logger(NotificationCleanupService.name);

  constructor(private readonly notifications: NotificationsRepository) {}

  async sweep(now = new Date()): Promise<{ removed: number }> {
    const removed = await this.notifications.removeBefore(retentionCutoffId(now));
    this.logger.log({ msg: 'Old notifications removed', removed });
    return { removed };
  }
}
