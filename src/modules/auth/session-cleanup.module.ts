import { Module } from '@nestjs/common';
import { PasswordResetsStoreModule } from './password-resets-store.module';
import { SessionCleanupService } from './session-cleanup.service';
import { SessionsStoreModule } from './sessions-store.module';

/** The worker's share of auth (run by scheduled-jobs): the hourly sweep of expired sessions
 * and password-reset links. */
@Module({
  imports: [SessionsStoreModule, PasswordResetsStoreModule],
  providers: [SessionCleanupService],
  exports: [SessionCleanupService],
})
export class SessionCleanupModule {}
