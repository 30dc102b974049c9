import { Module } from '@nestjs/common';
import { BlocksStoreModule } from '../blocks/blocks-store.module';
import { ConnectionsModule } from '../connections/connections.module';
import { MembershipModule } from '../membership/membership.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PresenceModule } from '../presence/presence.module';
import { UsersModule } from '../users/users.module';
import { RequestsController } from './requests.controller';
import { RequestsService } from './requests.service';
import { UserListsController } from './user-lists.controller';

@Module({
  imports: [
    ConnectionsModule,
    UsersModule,
    PresenceModule,
    MembershipModule,
    NotificationsModule,
    BlocksStoreModule,
  ],
  controllers: [RequestsController, UserListsController],
  providers: [RequestsService],
})
export class RequestsModule {}
