import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { EntitlementsService } from './entitlements.service';
import { MembershipController } from './membership.controller';
import { MembershipService } from './membership.service';
import { SwipeClock, SwipeCounter } from './swipe-counter';

/** Plans, membership grants and entitlements. Exports what payments and enforcement use. */
@Module({
  imports: [UsersModule],
  controllers: [MembershipController],
  providers: [MembershipService, EntitlementsService, SwipeCounter, SwipeClock],
  exports: [MembershipService, EntitlementsService, SwipeCounter, SwipeClock],
})
export class MembershipModule {}
