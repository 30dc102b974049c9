import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { User, UserSchema } from './user.schema';
import { UserCache } from './user.cache';
import { FeedTierMembersCache } from './feed-tier-members.cache';
import { UsersRepository } from './users.repository';

/** The `users` collection and its repository, shared by auth, profile and later features. */
@Module({
  imports: [MongooseModule.forFeature([{ name: User.name, schema: UserSchema }])],
  providers: [UsersRepository, UserCache, FeedTierMembersCache],
  exports: [UsersRepository, UserCache],
})
export class UsersModule {}
