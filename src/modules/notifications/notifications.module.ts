import { Module } from '@nestjs/common';
import { PresenceModule } from '../presence/presence.module';
import { UsersModule } from '../users/users.module';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { NotificationsStoreModule } from './notifications-store.module';

/** The notification inbox: every `newNotification` pushed is also kept; `/notifications`. */
@Module({
  imports: [NotificationsStoreModule, PresenceModule, UsersModule],
  controllers: [NotificationsController],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
