import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BlocksStoreModule } from '../blocks/blocks-store.module';
import { ConnectionsModule } from '../connections/connections.module';
import { PresenceGateway } from './presence.gateway';
import { PresenceService } from './presence.service';
import { PresenceStoreModule } from './presence-store.module';

/** Socket.io gateway (API process only) and the PresenceService other modules inject. */
@Module({
  imports: [AuthModule, ConnectionsModule, BlocksStoreModule, PresenceStoreModule],
  providers: [PresenceGateway, PresenceService],
  exports: [PresenceService, PresenceStoreModule],
})
export class PresenceModule {}
