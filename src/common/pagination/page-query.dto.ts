import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_LIST_LIMIT = 100;

/** `?page=&limit=` for list endpoints: integers, page ≥ 1, 1 ≤ limit ≤ 100 (default 100). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be an integer' })
  @Min(1, { message: 'page must be at least 1' })
  page = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIST_LIMIT, default: MAX_LIST_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(MAX_LIST_LIMIT, { message: `limit must be at most ${MAX_LIST_LIMIT}` })
  limit = MAX_LIST_LIMIT;
}

export interface PageInfo {
  page: number;
  limit: number;
  /** True when another page may follow (this one was full). */
  hasMore: boolean;
}
