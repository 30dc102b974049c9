import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { MembershipModule } from '../membership/membership.module';
import { UsersModule } from '../users/users.module';
import { FeedCountCache } from './feed-count.cache';
import { FeedDeckStore } from './feed-deck.store';
import { FeedPositionStore } from './feed-position.store';
import { FeedController } from './feed.controller';
import { FeedService } from './feed.service';

@Module({
  imports: [UsersModule, ConnectionsModule, MembershipModule],
  controllers: [FeedController],
  providers: [FeedService, FeedCountCache, FeedPositionStore, FeedDeckStore],
})
export class FeedModule {}
