import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BlocksStoreModule } from '../blocks/blocks-store.module';
import { UsersModule } from '../users/users.module';
import { Connection, ConnectionSchema } from './connection.schema';
import { ConnectionGraphCache } from './connection-graph.cache';
import { ConnectionsRepository } from './connections.repository';
import { FeedExclusionsCache } from './feed-exclusions.cache';

/** The `connectionmodels` collection, shared by requests, feed, presence and the digest. */
@Module({
  imports: [
    UsersModule,
    BlocksStoreModule,
    MongooseModule.forFeature([{ name: Connection.name, schema: ConnectionSchema }]),
  ],
  providers: [ConnectionsRepository, ConnectionGraphCache, FeedExclusionsCache],
  exports: [ConnectionsRepository],
})
export class ConnectionsModule {}
