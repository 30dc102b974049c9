import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_LIST_LIMIT = 100;
/** Far beyond any list a person pages through, and keeps `(page - 1) * limit` a safe integer. */
export const MAX_PAGE = 100_000;

/** `page` query parameter: an integer in [1, MAX_PAGE], default 1. */
export const PageNumber = () =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'page must be an integer' }),
    Min(1, { message: 'page must be at least 1' }),
    Max(MAX_PAGE, { message: `page must be at most ${MAX_PAGE}` }),
  );

/** `limit` query parameter: an integer in [1, max]. */
export const PageLimit = (max: number, defaultValue: number) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: max, default: defaultValue }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'limit must be an integer' }),
    Min(1, { message: 'limit must be at least 1' }),
    Max(max, { message: `limit must be at most ${max}` }),
  );

/** `?page=&limit=` for list endpoints: integers, page ≥ 1, 1 ≤ limit ≤ 100 (default 100). */
export class PageQueryDto {
  @PageNumber()
  page = 1;

  @PageLimit(MAX_LIST_LIMIT, MAX_LIST_LIMIT)
  limit = MAX_LIST_LIMIT;
}

export interface PageInfo {
  page: number;
  limit: number;
  /** True when another page may follow (this one was full). */
  hasMore: boolean;
}
