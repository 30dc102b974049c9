import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { UsersModule } from '../users/users.module';
import { FeedController } from './feed.controller';
import { FeedService } from './feed.service';

@Module({
  imports: [UsersModule, ConnectionsModule],
  controllers: [FeedController],
  providers: [FeedService],
})
export class FeedModule {}
