import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { User, UserSchema } from './user.schema';
import { UserCache } from './user-cache';
import { UsersRepository } from './users.repository';

/** The `users` collection and its repository, shared by auth, profile and later features. */
@Module({
  imports: [MongooseModule.forFeature([{ name: User.name, schema: UserSchema }])],
  providers: [UsersRepository, UserCache],
  exports: [UsersRepository, UserCache],
})
export class UsersModule implements OnApplicationBootstrap {
  constructor(private readonly users: UsersRepository) {}

  /** Data written by the original system lacks derived fields; fill them in once at boot. */
  async onApplicationBootstrap(): Promise<void> {
    const updated = await this.users.backfillSkillsKey();
    if (updated > 0) new Logger(UsersModule.name).log({ msg: 'Backfilled skillsKey', updated });
  }
}
