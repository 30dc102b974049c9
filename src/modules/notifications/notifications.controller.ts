import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
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
import { MarkReadDto } from './dto/mark-read.dto';
import { NotificationsQueryDto } from './dto/notifications-query.dto';
import {
  MarkedReadResponse,
  NotificationsResponse,
  UnreadCountResponse,
} from './notifications.docs';
import { NOTIFICATION_ERRORS } from './notifications.errors';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS),
})
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary: 'Your notifications, newest first (what `newNotification` pushed, kept 90 days)',
    description: 'Cursor paging: pass `pagination.nextBefore` as `?before=` for the next page.',
  })
  @ApiOkResponse({
    type: NotificationsResponse,
    description: 'Notifications retrieved successfully',
  })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Validation messages of the query' })
  async list(@CurrentUser() caller: AuthenticatedUser, @Query() query: NotificationsQueryDto) {
    const { data, pagination } = await this.notifications.list(caller.userId, query);
    return ok('Notifications retrieved successfully', data, { pagination });
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of your notifications are unread (badge)' })
  @ApiOkResponse({ type: UnreadCountResponse, description: 'Unread count retrieved successfully' })
  async unreadCount(@CurrentUser() caller: AuthenticatedUser) {
    return ok(
      'Unread count retrieved successfully',
      await this.notifications.unreadCount(caller.userId),
    );
  }

  @Post('read')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Mark notifications read: `{ ids: [...] }` (at most 100) or `{ all: true }`',
    description: 'Only your own notifications change; ids of anyone else’s are ignored.',
  })
  @ApiOkResponse({ type: MarkedReadResponse, description: 'Notifications marked as read' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      NOTIFICATION_ERRORS.readSelection,
      'validation messages of the body',
    ),
  })
  async markRead(@CurrentUser() caller: AuthenticatedUser, @Body() body: MarkReadDto) {
    return ok(
      'Notifications marked as read',
      await this.notifications.markRead(caller.userId, body),
    );
  }
}
