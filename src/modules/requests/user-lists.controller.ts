import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { AuthenticatedUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { describeErrors } from '../../common/errors/app-error';
import { PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ErrorResponse } from '../../common/http/api-response.docs';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import {
  ConnectionsResponse,
  ReceivedRequestsResponse,
  SentRequestsResponse,
} from './requests.docs';
import { RequestsService } from './requests.service';

const PAGING =
  'Paginated with `?page=&limit=` (limit ≤ 100, default 100); `pagination.hasMore` tells if more follow.';

@ApiTags('user lists')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS),
})
@ApiBadRequestResponse({ type: ErrorResponse, description: 'page/limit validation messages' })
@Controller('user')
export class UserListsController {
  constructor(private readonly requests: RequestsService) {}

  @Get('requests/received')
  @ApiOperation({ summary: 'Pending requests addressed to you, newest first', description: PAGING })
  @ApiOkResponse({
    type: ReceivedRequestsResponse,
    description: 'Received requests fetched successfully',
  })
  async received(@CurrentUser() caller: AuthenticatedUser, @Query() query: PageQueryDto) {
    const { data, pagination } = await this.requests.received(caller.userId, query);
    return ok('Received requests fetched successfully', data, { pagination });
  }

  @Get('requests/sent')
  @ApiOperation({ summary: 'Pending requests you sent, newest first', description: PAGING })
  @ApiOkResponse({ type: SentRequestsResponse, description: 'Sent requests fetched successfully' })
  async sent(@CurrentUser() caller: AuthenticatedUser, @Query() query: PageQueryDto) {
    const { data, pagination } = await this.requests.sent(caller.userId, query);
    return ok('Sent requests fetched successfully', data, { pagination });
  }

  @Get('connections')
  @ApiOperation({
    summary: 'Your accepted connections (the other user, SafeUser view), newest first',
    description: PAGING,
  })
  @ApiOkResponse({ type: ConnectionsResponse, description: 'Connections fetched successfully' })
  async connections(@CurrentUser() caller: AuthenticatedUser, @Query() query: PageQueryDto) {
    const { data, pagination } = await this.requests.connectionsOf(caller.userId, query);
    return ok('Connections fetched successfully', data, { pagination });
  }
}
