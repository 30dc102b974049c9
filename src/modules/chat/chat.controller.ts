import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiForbiddenResponse,
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
import { ApiObjectIdParam } from '../../common/http/api-params.docs';
import { ErrorResponse } from '../../common/http/api-response.docs';
import { ParseObjectIdPipe } from '../../common/pipes/parse-object-id.pipe';
import {
  ConversationResponse,
  ReadReceiptResponse,
  RecentChatsResponse,
  UnreadResponse,
} from './chat.docs';
import { CHAT_ERRORS } from './chat.errors';
import { ChatService } from './chat.service';
import { HistoryQueryDto, RecentQueryDto } from './dto/chat-query.dto';

const TARGET_ERRORS = {
  badRequest: errorMessage(COMMON_ERRORS.invalidId, 'userId'),
  forbidden: describeErrors(CHAT_ERRORS.chatWithSelf, CHAT_ERRORS.notConnected),
  notFound: describeErrors(CHAT_ERRORS.userNotFound),
};

/** Routes are declared in this order: `/chat/recent` and `/chat/unread` before `/chat/:targetUserId`. */
@ApiTags('chat')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS),
})
@Controller('chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Get('recent')
  @ApiOperation({
    summary: 'Your conversations with at least one message, newest activity first',
    description:
      'Cursor paging: pass `pagination.nextBefore` as `?before=` for the next page. Conversations with ' +
      'deleted users are skipped (a page may then hold fewer than `limit`).',
  })
  @ApiOkResponse({ type: RecentChatsResponse, description: 'Recent chats retrieved successfully' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Validation messages of the query' })
  async recent(@CurrentUser() caller: AuthenticatedUser, @Query() query: RecentQueryDto) {
    const { data, pagination } = await this.chat.recent(caller.userId, query);
    return ok('Recent chats retrieved successfully', data, { pagination });
  }

  @Get('unread')
  @ApiOperation({ summary: 'Unread messages and conversations with unread messages (badge)' })
  @ApiOkResponse({ type: UnreadResponse, description: 'Unread counts retrieved successfully' })
  async unread(@CurrentUser() caller: AuthenticatedUser) {
    return ok('Unread counts retrieved successfully', await this.chat.unread(caller.userId));
  }

  @Get(':targetUserId')
  @ApiOperation({
    summary: 'The conversation with a connection: the newest page of messages, oldest first',
    description:
      'Only accepted connections may chat. After a connection is removed, the pair can still read ' +
      'its history (`canSend: false`) but can no longer send. Opening a conversation creates nothing; ' +
      '`_id` is null until the first message. Older pages: `?before=<pagination.nextBefore>`.',
  })
  @ApiObjectIdParam('targetUserId', 'The other user')
  @ApiOkResponse({ type: ConversationResponse, description: 'Chat retrieved successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(TARGET_ERRORS.badRequest, 'validation messages of the query'),
  })
  @ApiForbiddenResponse({ type: ErrorResponse, description: TARGET_ERRORS.forbidden })
  @ApiNotFoundResponse({ type: ErrorResponse, description: TARGET_ERRORS.notFound })
  async conversation(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('targetUserId', new ParseObjectIdPipe('userId')) targetUserId: Types.ObjectId,
    @Query() query: HistoryQueryDto,
  ) {
    const before = query.before ? new Types.ObjectId(query.before.toLowerCase()) : undefined;
    return ok(
      'Chat retrieved successfully',
      await this.chat.conversation(caller.userId, targetUserId, { before, limit: query.limit }),
    );
  }

  @Post(':targetUserId/read')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Mark the conversation read up to now (also the socket event `markRead`)',
    description:
      'The other participant receives `messagesRead` (read receipt) on their sockets if their plan has read receipts (PRO/ELITE).',
  })
  @ApiObjectIdParam('targetUserId', 'The other user')
  @ApiOkResponse({ type: ReadReceiptResponse, description: 'Chat marked as read' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: TARGET_ERRORS.badRequest })
  @ApiForbiddenResponse({ type: ErrorResponse, description: TARGET_ERRORS.forbidden })
  @ApiNotFoundResponse({ type: ErrorResponse, description: TARGET_ERRORS.notFound })
  async markRead(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('targetUserId', new ParseObjectIdPipe('userId')) targetUserId: Types.ObjectId,
  ) {
    return ok('Chat marked as read', await this.chat.markRead(caller.userId, targetUserId));
  }
}
