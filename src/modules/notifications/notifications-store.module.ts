import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { NotificationSchema, StoredNotification } from './notification.schema';
import { NotificationsRepository } from './notifications.repository';

/** The `notifications` collection, for the API (the inbox) and the worker (the clean-up). */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: StoredNotification.name, schema: NotificationSchema }]),
  ],
  providers: [NotificationsRepository],
  exports: [NotificationsRepository],
})
export class NotificationsStoreModule {}
