import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { EntitlementsService } from './entitlements.service';
import { MembershipController } from './membership.controller';
import { MembershipService } from './membership.service';

/** Plans, membership grants and entitlements (issue 10). Exports what payments and enforcement use. */
@Module({
  imports: [UsersModule],
  controllers: [MembershipController],
  providers: [MembershipService, EntitlementsService],
  exports: [MembershipService, EntitlementsService],
})
export class MembershipModule {}
