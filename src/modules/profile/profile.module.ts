import { NotificationsStoreModule } from '../notifications/notifications-store.module';
import { Module } from '@nestjs/common';
import { NotificationPreferencesModule } from '../notifications/notification-preferences.module';
import { AuthModule } from '../auth/auth.module';
import { BlocksStoreModule } from '../blocks/blocks-store.module';
import { ChatModule } from '../chat/chat.module';
import { ConnectionsModule } from '../connections/connections.module';
import { MailQueueModule } from '../mail/mail-queue.module';
import { MembershipModule } from '../membership/membership.module';
import { PaymentsStoreModule } from '../payments/payments-store.module';
import { PresenceModule } from '../presence/presence.module';
import { ReportsStoreModule } from '../safety/reports-store.module';
import { UsersModule } from '../users/users.module';
import { AccountDeletionService } from './account-deletion.service';
import { AccountExportService } from './account-export.service';
import { ExportLimiter } from './export-limiter';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';

/**
 * The caller's profile, and leaving with your data: the export and the account deletion, which
 * reach every module that stores something about a user through its own methods.
 */
@Module({
  imports: [
    UsersModule,
    AuthModule,
    MembershipModule,
    ConnectionsModule,
    PresenceModule,
    ChatModule,
    PaymentsStoreModule,
    MailQueueModule,
    NotificationsStoreModule,
    NotificationPreferencesModule,
    BlocksStoreModule,
    ReportsStoreModule,
  ],
  controllers: [ProfileController],
  providers: [ProfileService, AccountExportService, AccountDeletionService, ExportLimiter],
})
export class ProfileModule {}
