import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BlocksStoreModule } from '../blocks/blocks-store.module';
import { ConnectionsModule } from '../connections/connections.module';
import { PresenceGateway } from './presence.gateway';
import { PresenceService } from './presence.service';
import { PresenceStore } from './presence.store';

/** Socket.io gateway (API process only) and the PresenceService other modules inject. */
@Module({
  imports: [AuthModule, ConnectionsModule, BlocksStoreModule],
  providers: [PresenceGateway, PresenceService, PresenceStore],
  exports: [PresenceService, PresenceStore],
})
export class PresenceModule {}
