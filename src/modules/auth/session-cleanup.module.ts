import { Module } from '@nestjs/common';
import { SessionCleanupService } from './session-cleanup.service';
import { SessionsStoreModule } from './sessions-store.module';

/** The worker's share of auth (run by scheduled-jobs): the hourly sweep of expired sessions. */
@Module({
  imports: [SessionsStoreModule],
  providers: [SessionCleanupService],
  exports: [SessionCleanupService],
})
export class SessionCleanupModule {}
