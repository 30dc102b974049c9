import { Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Types } from 'mongoose';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { AuthenticatedUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { describeErrors, errorMessage } from '../../common/errors/app-error';
import { COMMON_ERRORS, PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ApiObjectIdParam } from '../../common/http/api-params.docs';
import { ErrorResponse, SuccessResponse } from '../../common/http/api-response.docs';
import { ParseObjectIdPipe } from '../../common/pipes/parse-object-id.pipe';
import { ParseStatusPipe } from './parse-status.pipe';
import { ConnectionResponse } from './requests.docs';
import { REQUEST_ERRORS } from './requests.errors';
import {
  REVIEW_STATUSES,
  RequestsService,
  ReviewStatus,
  SEND_STATUSES,
  SendStatus,
} from './requests.service';

@ApiTags('requests')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS),
})
@Controller('request')
export class RequestsController {
  constructor(private readonly requests: RequestsService) {}

  @Post('send/:status/:toUserId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Swipe: send an interested request or ignore a user',
    description:
      'One document per pair, either direction. An `ignored` swipe hides the pair for 30 days, after which ' +
      'either side may send again (the old document is replaced). A `rejected` request blocks the pair ' +
      'permanently. `interested` notifies the receiver live (`newNotification` type `request`). ' +
      'A block between the two (either way) answers 404 as for an unknown user.',
  })
  @ApiParam({ name: 'status', enum: SEND_STATUSES })
  @ApiObjectIdParam('toUserId', 'The user to send it to')
  @ApiOkResponse({
    type: ConnectionResponse,
    description: 'Sent interested request successfully | Sent ignored request successfully',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      errorMessage(REQUEST_ERRORS.invalidSendStatus, '<status>'),
      errorMessage(COMMON_ERRORS.invalidId, 'userId'),
      REQUEST_ERRORS.sendToSelf,
      REQUEST_ERRORS.alreadyExists,
    ),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(REQUEST_ERRORS.userNotFound),
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: describeErrors(REQUEST_ERRORS.concurrentSend),
  })
  async send(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('status', new ParseStatusPipe(SEND_STATUSES, REQUEST_ERRORS.invalidSendStatus))
    status: SendStatus,
    @Param('toUserId', new ParseObjectIdPipe('userId')) toUserId: Types.ObjectId,
  ) {
    return ok(
      `Sent ${status} request successfully`,
      await this.requests.send(caller, status, toUserId),
    );
  }

  @Post('review/:status/:requestId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Accept or reject a pending request addressed to you (accept notifies the sender)',
  })
  @ApiParam({ name: 'status', enum: REVIEW_STATUSES })
  @ApiObjectIdParam('requestId', 'The connection id of a request addressed to you')
  @ApiOkResponse({
    type: ConnectionResponse,
    description: 'Request accepted successfully | Request rejected successfully',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      errorMessage(REQUEST_ERRORS.invalidReviewStatus, '<status>'),
      errorMessage(COMMON_ERRORS.invalidId, 'requestId'),
    ),
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description: describeErrors(REQUEST_ERRORS.onlyReceiverReviews),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(REQUEST_ERRORS.requestNotFound),
  })
  async review(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('status', new ParseStatusPipe(REVIEW_STATUSES, REQUEST_ERRORS.invalidReviewStatus))
    status: ReviewStatus,
    @Param('requestId', new ParseObjectIdPipe('requestId')) requestId: Types.ObjectId,
  ) {
    return ok(
      `Request ${status} successfully`,
      await this.requests.review(caller, status, requestId),
    );
  }

  @Delete('withdraw/:requestId')
  @ApiOperation({ summary: 'Withdraw a pending request you sent' })
  @ApiObjectIdParam('requestId', 'The connection id of a request you sent')
  @ApiOkResponse({ type: SuccessResponse, description: 'Request withdrawn' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: errorMessage(COMMON_ERRORS.invalidId, 'requestId'),
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description: describeErrors(REQUEST_ERRORS.onlySenderWithdraws),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(REQUEST_ERRORS.requestNotFound),
  })
  async withdraw(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('requestId', new ParseObjectIdPipe('requestId')) requestId: Types.ObjectId,
  ) {
    await this.requests.withdraw(caller, requestId);
    return ok('Request withdrawn');
  }

  @Delete('connection/:userId')
  @ApiOperation({ summary: 'Remove an accepted connection (either side); chat history is kept' })
  @ApiObjectIdParam('userId', 'The other user of the connection')
  @ApiOkResponse({ type: SuccessResponse, description: 'Connection removed' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: errorMessage(COMMON_ERRORS.invalidId, 'userId'),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(REQUEST_ERRORS.connectionNotFound),
  })
  async removeConnection(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('userId', new ParseObjectIdPipe('userId')) userId: Types.ObjectId,
  ) {
    await this.requests.removeConnection(caller, userId);
    return ok('Connection removed');
  }
}
