import { ApiProperty } from '@nestjs/swagger';
import { Describes } from '../http/api-response.docs';
import type { PageInfo } from './page-query.dto';

/** `pagination` of the list routes (`?page=&limit=`). */
@Describes<PageInfo>()
export class PageInfoDoc {
  /** The page served (from 1). @example 1 */
  @ApiProperty({ type: 'integer' })
  page!: number;

  /** The page size asked for. @example 100 */
  @ApiProperty({ type: 'integer' })
  limit!: number;

  /** True when this page was full, so another page may follow. */
  hasMore!: boolean;
}
