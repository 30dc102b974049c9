import { Controller, Get } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { AuthenticatedUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { Public } from '../../common/decorators/public.decorator';
import { describeErrors } from '../../common/errors/app-error';
import { PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ErrorResponse } from '../../common/http/api-response.docs';
import { EntitlementsService } from './entitlements.service';
import { MembershipStatusResponse, PlansResponse } from './membership.docs';
import { toPlanViews, toStatusView } from './membership.views';
import { SwipeClock, SwipeCounter } from './swipe-counter';

/**
 * The plan table and the caller's membership. Shares the `/payment` prefix with the payments
 * controller: `GET /payment/status` (no parameter) is distinct from `GET /payment/status/:orderId`.
 */
@ApiTags('payment')
@Controller('payment')
export class MembershipController {
  constructor(
    private readonly entitlements: EntitlementsService,
    private readonly swipes: SwipeCounter,
    private readonly clock: SwipeClock,
  ) {}

  @Public()
  @Get('plans')
  @ApiOperation({
    summary: 'The plan table: prices (INR and paise) and entitlements of FREE, PRO and ELITE',
    description:
      'Public. Received requests ("see who liked you") stay open to all plans: a FREE user must ' +
      'see and accept the requests sent to them.',
  })
  @ApiOkResponse({ type: PlansResponse, description: 'Plans retrieved successfully' })
  plans() {
    return ok('Plans retrieved successfully', toPlanViews());
  }

  @Get('status')
  @ApiCookieAuth(ACCESS_COOKIE_AUTH)
  @ApiOperation({
    summary:
      "The caller's plan in force (an expired plan reads FREE), cycle, expiry, entitlements and today's remaining swipes",
  })
  @ApiOkResponse({
    type: MembershipStatusResponse,
    description: 'Membership status retrieved successfully',
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: describeErrors(...PROTECTED_ROUTE_ERRORS),
  })
  async status(@CurrentUser() caller: AuthenticatedUser) {
    const now = this.clock.now();
    const [entitlements, swipes] = await Promise.all([
      this.entitlements.forUser(caller.userId, now),
      this.swipes.today(caller.userId.toHexString(), now),
    ]);
    return ok('Membership status retrieved successfully', toStatusView(entitlements, swipes));
  }
}
