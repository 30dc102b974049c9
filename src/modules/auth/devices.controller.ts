import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Types } from 'mongoose';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { AuthenticatedUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { describeErrors, errorMessage } from '../../common/errors/app-error';
import { COMMON_ERRORS, PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ErrorResponse, SuccessResponse } from '../../common/http/api-response.docs';
import { ApiObjectIdParam } from '../../common/http/api-params.docs';
import { ParseObjectIdPipe } from '../../common/pipes/parse-object-id.pipe';
import { AUTH_ERRORS } from './auth.errors';
import { RevokedSessionsResponse, SessionsResponse } from './devices.docs';
import { DevicesService } from './devices.service';

/** The caller's signed-in devices (sessions): list them, sign them out. */
@ApiTags('auth')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS, AUTH_ERRORS.userGone),
})
@Controller('auth/sessions')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's live sessions (newest 50), the current one marked",
  })
  @ApiOkResponse({ type: SessionsResponse, description: 'Sessions retrieved successfully' })
  async list(@CurrentUser() caller: AuthenticatedUser) {
    return ok('Sessions retrieved successfully', await this.devices.list(caller));
  }

  @Delete()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign out every other device: revokes all of the caller’s sessions but this one',
  })
  @ApiOkResponse({ type: RevokedSessionsResponse, description: 'Other sessions revoked' })
  async revokeOthers(@CurrentUser() caller: AuthenticatedUser) {
    return ok('Other sessions revoked', { revoked: await this.devices.revokeOthers(caller) });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign out one device: revokes one of the caller’s live sessions',
    description:
      'Its access token stops working at once and its sockets are parked. Revoking the current ' +
      'session signs this device out (the cookies stay until the next logout or refresh).',
  })
  @ApiObjectIdParam('id', 'The session id, from GET /auth/sessions')
  @ApiOkResponse({ type: SuccessResponse, description: 'Session revoked' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: errorMessage(COMMON_ERRORS.invalidId, 'id'),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(AUTH_ERRORS.sessionNotFound),
  })
  async revoke(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', new ParseObjectIdPipe('id')) sessionId: Types.ObjectId,
  ) {
    await this.devices.revoke(caller, sessionId);
    return ok('Session revoked');
  }
}
