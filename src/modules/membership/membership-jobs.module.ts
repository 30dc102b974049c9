import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { MembershipExpiryService } from './membership-expiry.service';

/** The worker's membership jobs (needs ScheduleModule): the hourly expiry downgrade. */
@Module({
  imports: [UsersModule],
  providers: [MembershipExpiryService],
  exports: [MembershipExpiryService],
})
export class MembershipJobsModule {}
