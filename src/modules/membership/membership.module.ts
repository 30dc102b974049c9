import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { MembershipService } from './membership.service';

/** Plans, membership grants and entitlements (issue 10). Exports what payments and enforcement use. */
@Module({
  imports: [UsersModule],
  providers: [MembershipService],
  exports: [MembershipService],
})
export class MembershipModule {}
