import { Module } from '@nestjs/common';
import { PresenceStore } from './presence.store';

/** Who is online (Redis), without the gateway: for the API's presence and the worker's checks. */
@Module({
  providers: [PresenceStore],
  exports: [PresenceStore],
})
export class PresenceStoreModule {}
