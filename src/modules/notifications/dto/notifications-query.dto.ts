import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { OBJECT_ID_DOC_PATTERN } from '../../../common/http/api-params.docs';
import { PageLimit } from '../../../common/pagination/page-query.dto';
import { OBJECT_ID_PATTERN } from '../../../common/validation/object-id';
import { DEFAULT_NOTIFICATIONS_LIMIT, MAX_NOTIFICATIONS_LIMIT } from '../notifications.service';

/** `GET /notifications?before=&limit=`. */
export class NotificationsQueryDto {
  /** Only notifications older than this one (`pagination.nextBefore`). */
  @ApiPropertyOptional({ pattern: OBJECT_ID_DOC_PATTERN })
  @IsOptional()
  @Matches(OBJECT_ID_PATTERN, { message: 'before must be a notification id' })
  before?: string;

  @PageLimit(MAX_NOTIFICATIONS_LIMIT, DEFAULT_NOTIFICATIONS_LIMIT)
  limit = DEFAULT_NOTIFICATIONS_LIMIT;
}
