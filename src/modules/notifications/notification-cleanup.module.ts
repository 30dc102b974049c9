import { Module } from '@nestjs/common';
import { NotificationCleanupService } from './notification-cleanup.service';
import { NotificationsStoreModule } from './notifications-store.module';

/** The worker's share of notifications: the clean-up. */
@Module({
  imports: [NotificationsStoreModule],
  providers: [NotificationCleanupService],
  exports: [NotificationCleanupService],
})
export class NotificationCleanupModule {}
