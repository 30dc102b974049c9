import {
  Controller,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../common/decorators/public.decorator';
import { describeErrors } from '../../common/errors/app-error';
import { ok } from '../../common/http/api-response';
import {
  ErrorResponse,
  RateLimitedResponse,
  SuccessResponse,
} from '../../common/http/api-response.docs';
import { RateLimit } from '../../common/throttling/rate-limits';
import { UnsubscribeQueryDto } from './dto/unsubscribe-query.dto';
import type { EmailList } from './email-preferences';
import { NotificationPreferencesService } from './notification-preferences.service';
import { NOTIFICATION_ERRORS } from './notifications.errors';

const LIST_NAMES: Record<EmailList, string> = {
  digest: 'the daily digest of connection requests',
  missedMessages: 'emails about messages you missed',
};

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DevLink email settings</title>` +
  `<meta name="viewport" content="width=device-width"></head><body>${body}</body></html>`;

/**
 * One-click unsubscribe (RFC 8058): mail clients POST to the link in `List-Unsubscribe`; no
 * login, the link's signature is the authority. A GET (a person following the link, or a link
 * scanner) only shows a button: RFC 8058 forbids unsubscribing on GET.
 */
@ApiTags('notifications')
@Public()
@Controller('notifications/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly preferences: NotificationPreferencesService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @RateLimit('unsubscribe')
  @ApiOperation({
    summary: 'One-click unsubscribe from a signed email link (no login)',
    description:
      'What the `List-Unsubscribe` header of the digest and missed-message emails points to. ' +
      'Mail clients send `List-Unsubscribe=One-Click` as a form body, which is not needed. ' +
      'Turns the named list off; `PATCH /profile/notifications` turns it on again.',
  })
  @ApiOkResponse({ type: SuccessResponse, description: 'Unsubscribed' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      NOTIFICATION_ERRORS.unsubscribeLinkInvalid,
      'validation messages of the query',
    ),
  })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description: '60 per 15 minutes per IP',
  })
  async unsubscribe(
    @Query() query: UnsubscribeQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.preferences.unsubscribe(query.user.toLowerCase(), query.list, query.sig);
    const message = `You will no longer get ${LIST_NAMES[query.list]}`;
    if (req.accepts(['json', 'html']) === 'html') {
      res.type('html');
      return page(`<p>${message}.</p><p>You can turn it on again in the app.</p>`);
    }
    return ok(message);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The page an unsubscribe link opens in a browser: one button that POSTs it',
  })
  @ApiOkResponse({
    description: 'A page with one button that POSTs the link',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Validation messages of the query' })
  confirm(@Query() query: UnsubscribeQueryDto, @Res({ passthrough: true }) res: Response) {
    res.type('html');
    const action = new URLSearchParams({ user: query.user, list: query.list, sig: query.sig });
    return page(
      `<form method="post" action="?${action.toString().replace(/&/g, '&amp;')}">` +
        `<p>Stop ${LIST_NAMES[query.list]}?</p><button type="submit">Unsubscribe</button></form>`,
    );
  }
}
