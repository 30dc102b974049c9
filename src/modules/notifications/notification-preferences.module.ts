import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { NotificationPreferencesService } from './notification-preferences.service';
import { UnsubscribeController } from './unsubscribe.controller';

/** Which optional emails a user gets; the routes are `/profile/notifications` and the link's. */
@Module({
  imports: [UsersModule],
  controllers: [UnsubscribeController],
  providers: [NotificationPreferencesService],
  exports: [NotificationPreferencesService],
})
export class NotificationPreferencesModule {}
