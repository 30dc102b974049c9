import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { MembershipExpiryService } from './membership-expiry.service';

/** The worker's membership job (run by scheduled-jobs): the hourly expiry downgrade. */
@Module({
  imports: [UsersModule],
  providers: [MembershipExpiryService],
  exports: [MembershipExpiryService],
})
export class MembershipJobsModule {}
