import { Injectable, Logger, Module } from '@nestjs/common';
import { retentionCutoffId } from './notifications.rules';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsStoreModule } from './notifications-store.module';

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

/** The worker's share of notifications: the clean-up. */
@Module({
  imports: [NotificationsStoreModule],
  providers: [NotificationCleanupService],
  exports: [NotificationCleanupService],
})
export class NotificationCleanupModule {}
