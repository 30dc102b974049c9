import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Types } from 'mongoose';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { AuthenticatedUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { describeErrors, errorMessage } from '../../common/errors/app-error';
import { COMMON_ERRORS, PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ApiObjectIdParam } from '../../common/http/api-params.docs';
import {
  ErrorResponse,
  RateLimitedResponse,
  SuccessResponse,
} from '../../common/http/api-response.docs';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { ParseObjectIdPipe } from '../../common/pipes/parse-object-id.pipe';
import { ReportDto } from './dto/report.dto';
import { REPORT_REASONS, REPORTS_PER_WINDOW } from './report.rules';
import { BlockedUsersResponse, BlockResponse, ReportResponse } from './safety.docs';
import { SAFETY_ERRORS } from './safety.errors';
import { SafetyService } from './safety.service';

const INVALID_USER_ID = errorMessage(COMMON_ERRORS.invalidId, 'userId');

@ApiTags('safety')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS),
})
@Controller('user')
export class SafetyController {
  constructor(private readonly safety: SafetyService) {}

  @Post('block/:userId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Block a user (idempotent)',
    description:
      'Either side of a block hides the pair from each other: neither sees the other in the feed or ' +
      'online (`onlineList`, `userOnline`/`userOffline`, typing); connection requests between them ' +
      'answer 404 as for an unknown user, both ways; their pending request or connection is ' +
      'deleted; their chat stays readable by both but nobody can send. Blocking again changes ' +
      'nothing. Unblocking does not restore the connection.',
  })
  @ApiObjectIdParam('userId', 'The user to block')
  @ApiOkResponse({ type: BlockResponse, description: 'User blocked' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(INVALID_USER_ID, SAFETY_ERRORS.blockSelf),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(SAFETY_ERRORS.userNotFound),
  })
  async block(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('userId', new ParseObjectIdPipe('userId')) userId: Types.ObjectId,
  ) {
    return ok('User blocked', await this.safety.block(caller.userId, userId));
  }

  @Delete('block/:userId')
  @ApiOperation({
    summary: 'Lift your block of a user',
    description:
      'Only your own block: a block someone else made of you stays. The connection the block ' +
      'removed does not come back; either side may send a new request.',
  })
  @ApiObjectIdParam('userId', 'The user you blocked')
  @ApiOkResponse({ type: SuccessResponse, description: 'User unblocked' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: INVALID_USER_ID })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(SAFETY_ERRORS.blockNotFound),
  })
  async unblock(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('userId', new ParseObjectIdPipe('userId')) userId: Types.ObjectId,
  ) {
    await this.safety.unblock(caller.userId, userId);
    return ok('User unblocked');
  }

  @Get('blocked')
  @ApiOperation({
    summary: 'The users you blocked (SafeUser view), most recent block first',
    description:
      'Paginated with `?page=&limit=` (limit ≤ 100, default 100); `pagination.hasMore` tells if more follow.',
  })
  @ApiOkResponse({ type: BlockedUsersResponse, description: 'Blocked users fetched successfully' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'page/limit validation messages' })
  async blocked(@CurrentUser() caller: AuthenticatedUser, @Query() query: PageQueryDto) {
    const { data, pagination } = await this.safety.blocked(caller.userId, query);
    return ok('Blocked users fetched successfully', data, { pagination });
  }

  @Post('report/:userId')
  @ApiOperation({
    summary: 'Report a user to the administrators',
    description:
      `\`reason\`: one of ${REPORT_REASONS.join(', ')}; \`details\` optional, at most 1,000 ` +
      `characters. One open report per user you report; at most ${REPORTS_PER_WINDOW} reports ` +
      'per hour (every report that passes validation counts).',
  })
  @ApiObjectIdParam('userId', 'The user to report')
  @ApiCreatedResponse({ type: ReportResponse, description: 'Report received' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      INVALID_USER_ID,
      SAFETY_ERRORS.reportSelf,
      SAFETY_ERRORS.reportInvalidReason,
      SAFETY_ERRORS.reportDetailsTooLong,
      'other validation messages of the body',
    ),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(SAFETY_ERRORS.userNotFound),
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: describeErrors(SAFETY_ERRORS.reportAlreadyOpen),
  })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description: errorMessage(SAFETY_ERRORS.reportRateLimited, 60),
  })
  async report(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('userId', new ParseObjectIdPipe('userId')) userId: Types.ObjectId,
    @Body() body: ReportDto,
  ) {
    return ok('Report received', await this.safety.report(caller.userId, userId, body));
  }
}
