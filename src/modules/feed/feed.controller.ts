import { Controller, Get, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import {
  type AuthenticatedRequest,
  callerOf,
} from '../../common/decorators/current-user.decorator';
import { describeErrors } from '../../common/errors/app-error';
import { PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { okList } from '../../common/http/api-response';
import { PrefetchOnAuth, prefetchedOf } from '../../common/http/route-prefetch';
import { ErrorResponse } from '../../common/http/api-response.docs';
import { FeedQueryDto } from './dto/feed-query.dto';
import { FeedResponse } from './feed.docs';
import { FEED_ERRORS } from './feed.errors';
import { FeedService } from './feed.service';

@ApiTags('feed')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS),
})
@Controller('user')
export class FeedController {
  constructor(private readonly feeds: FeedService) {}

  @Get('feed')
  @PrefetchOnAuth(FeedService)
  @ApiOperation({
    summary: 'Developers to swipe through',
    description:
      'Excludes you, unverified and not-onboarded users, and anyone you have a request or connection with in ' +
      'either direction — except `ignored` swipes older than 30 days (those users come back). `rejected` ' +
      'hides the pair for good. Sorted by `_id` ascending, so pages never repeat a profile. ' +
      '`page=1` starts from the beginning; `page>1` (any number) continues after the last profile you were ' +
      'served with the same `skills` filter (remembered for an hour), so paging by number while swiping never ' +
      'skips anyone; without a remembered position `page` is a plain offset. `after` ' +
      '(= `pagination.nextCursor`) is a stateless cursor that takes precedence over `page`. A page with ' +
      'fewer than `limit` items means no unserved candidates remain. `currentPage` echoes `page`; ' +
      '`totalUsers` counts every current candidate (a cached count, refreshed in the background once older than 30 s, up to 5 minutes when counting is slow) and `totalPages = ceil(totalUsers / limit)`. ' +
      'Filtering by `skills` is a PRO/ELITE feature (`403` on FREE).',
  })
  @ApiOkResponse({ type: FeedResponse, description: 'Feed fetched successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'page/limit/skills/after validation messages',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description: `\`skills\` on the FREE plan: ${describeErrors(FEED_ERRORS.skillFilterNotInPlan)}`,
  })
  // The caller and the guard's prefetch are read from the request: as two custom decorators they
  // cost every page two more passes through Nest's pipe chain, twenty promises (performance.md).
  // The page is sent as JSON it assembles: each profile's JSON is kept with its memoised view.
  async feed(@Req() req: AuthenticatedRequest, @Query() query: FeedQueryDto) {
    const { items, pagination } = await this.feeds.feed(
      callerOf(req).userId,
      query,
      new Date(),
      prefetchedOf(req),
    );
    return okList('Feed fetched successfully', items, { pagination });
  }
}
