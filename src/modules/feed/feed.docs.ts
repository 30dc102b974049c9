import { ApiProperty } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import { SafeUserDoc } from '../users/user.docs';
import type { FeedService } from './feed.service';

type FeedPage = Awaited<ReturnType<FeedService['feed']>>;

@Describes<FeedPage['pagination']>()
export class FeedPaginationDoc {
  /** Every current candidate with this skills filter (a cached count, refreshed in the background once older than 30 s, up to 5 minutes for a count that is slow to compute). @example 42 */
  @ApiProperty({ type: 'integer' })
  totalUsers!: number;
  /** Echoes `page`. @example 1 */
  @ApiProperty({ type: 'integer' })
  currentPage!: number;
  /** ceil(totalUsers / limit). @example 5 */
  @ApiProperty({ type: 'integer' })
  totalPages!: number;
  /** @example 10 */
  @ApiProperty({ type: 'integer' })
  limit!: number;
  /** Pass as `after` for the next page; null when this page was not full (no more candidates). */
  nextCursor!: string | null;
}

@Describes<FeedPage>()
export class FeedPageDoc {
  /** Candidates in `_id` order. */
  items!: SafeUserDoc[];
  pagination!: FeedPaginationDoc;
}

export class FeedResponse extends SuccessResponse {
  data!: FeedPageDoc;
}
