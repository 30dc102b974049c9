import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Session, SessionSchema } from './session.schema';
import { SessionCache } from './session.cache';
import { SessionsRepository } from './sessions.repository';

/**
 * The one place the `sessions` collection is registered: its schema, repository and cache.
 * Imported by the API's AuthModule and the worker's SessionCleanupModule.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }])],
  providers: [SessionsRepository, SessionCache],
  exports: [SessionsRepository],
})
export class SessionsStoreModule {}
