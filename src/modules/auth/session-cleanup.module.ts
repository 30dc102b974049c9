import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SessionCache } from './session-cache';
import { Session, SessionSchema } from './session.schema';
import { SessionCleanupService } from './session-cleanup.service';
import { SessionsRepository } from './sessions.repository';

/** The worker's share of auth: the scheduled sweep of expired sessions. */
@Module({
  imports: [MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }])],
  providers: [SessionsRepository, SessionCache, SessionCleanupService],
  exports: [SessionCleanupService],
})
export class SessionCleanupModule {}
