import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { OBJECT_ID_DOC_PATTERN } from '../../../common/http/api-params.docs';
import { PageLimit } from '../../../common/pagination/page-query.dto';
import { OBJECT_ID_PATTERN } from '../../../common/validation/object-id';
import {
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_RECENT_LIMIT,
  MAX_HISTORY_LIMIT,
  MAX_RECENT_LIMIT,
  RECENT_CURSOR_PATTERN,
} from '../chat.service';

/** `GET /chat/:targetUserId?before=&limit=`. */
export class HistoryQueryDto {
  /** Only messages older than this message id (`data.pagination.nextBefore`). */
  @ApiPropertyOptional({ pattern: OBJECT_ID_DOC_PATTERN })
  @IsOptional()
  @Matches(OBJECT_ID_PATTERN, { message: 'before must be a message id' })
  before?: string;

  @PageLimit(MAX_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT)
  limit = DEFAULT_HISTORY_LIMIT;
}

/** `GET /chat/recent?before=&limit=`. */
export class RecentQueryDto {
  /** Continue after this cursor (`pagination.nextBefore` of the previous page). */
  @ApiPropertyOptional({ pattern: RECENT_CURSOR_PATTERN.source })
  @IsOptional()
  @Matches(RECENT_CURSOR_PATTERN, { message: 'before must be a cursor from pagination.nextBefore' })
  before?: string;

  @PageLimit(MAX_RECENT_LIMIT, DEFAULT_RECENT_LIMIT)
  limit = DEFAULT_RECENT_LIMIT;
}
