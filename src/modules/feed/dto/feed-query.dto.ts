import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageLimit, PageNumber } from '../../../common/pagination/page-query.dto';
import { memoisedForFrozen } from '../../../common/cache/frozen-memo';
import { skillsKeyOf } from '../../users/user.schema';
import { FEED_CURSOR_PATTERN } from '../feed-paging';

export const MAX_FEED_LIMIT = 50;
export const DEFAULT_FEED_LIMIT = 10;

/** `skills=React,Node.js` or a repeated `skills` parameter: one list, blanks dropped. */
const toSkillList = ({ value }: { value: unknown }): unknown => {
  if (value === undefined) return undefined;
  const values: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return values
    .flatMap((v): unknown[] =>
      typeof v === 'string' ? v.split(',').map((part) => part.trim()) : [v],
    )
    .filter((part) => part !== '');
};

export class FeedQueryDto {
  /**
   * 1 starts from the beginning; any higher number continues after the last profile you were
   * served with the same skills filter (remembered for an hour; without it, a plain offset).
   */
  @PageNumber()
  page = 1;

  @PageLimit(MAX_FEED_LIMIT, DEFAULT_FEED_LIMIT)
  limit = DEFAULT_FEED_LIMIT;

  /**
   * Comma-separated or repeated, at most 20, each at most 30 characters; matches users having at
   * least one (case-insensitive).
   */
  @ApiPropertyOptional({ example: 'React,Node.js' })
  @IsOptional()
  @Transform(toSkillList)
  @IsArray()
  @ArrayMaxSize(20, { message: 'skills may list at most 20 values' })
  @IsString({ each: true, message: 'skills must be strings' })
  @MaxLength(30, { each: true, message: 'each skill must be at most 30 characters' })
  skills?: string[];

  /**
   * Cursor: `pagination.nextCursor` of the previous page (opaque; a bare user id, the older form,
   * is still accepted). Takes precedence over page, never skips.
   */
  @ApiPropertyOptional({ example: '2.64f1c0a2b3d4e5f601234567.1764331200000' })
  @IsOptional()
  @Matches(FEED_CURSOR_PATTERN, { message: 'after must be a feed cursor (pagination.nextCursor)' })
  after?: string;
}

/** What a feed request's first reads depend on (see {@link feedReadsOfRawQuery}). */
export interface RawFeedReads {
  skillsKey: readonly string[] | undefined;
  needsPosition: boolean;
  /**
   * Where the page starts when that is known before any read (`page=1`: the walk's start;
   * `after=`: the cursor's text), with its size, for reading its profiles early; `null`: a page
   * continuing a remembered position.
   */
  start: { after?: string; limit: number } | null;
}

/**
 * What a feed request's first reads depend on, from the raw (not yet validated) query: its skills
 * filter and whether it continues a remembered position. A best guess for the access guard's
 * prefetch; the service compares it with the validated query. A frozen query cannot change, so
 * its answer is worked out once.
 */
export const feedReadsOfRawQuery = memoisedForFrozen(
  (raw: Record<string, unknown>): RawFeedReads => {
    const { skillsKey, needsPosition, start } = readsOf(raw);
    // Shared by every request with the same query text: nobody may change it.
    return Object.freeze({
      skillsKey: skillsKey && Object.freeze(skillsKey),
      needsPosition,
      start: start && Object.freeze(start),
    });
  },
);

function readsOf(raw: Record<string, unknown>): {
  skillsKey: string[] | undefined;
  needsPosition: boolean;
  start: RawFeedReads['start'];
} {
  const skills = toSkillList({ value: raw.skills });
  const named = Array.isArray(skills) && skills.every((s) => typeof s === 'string') ? skills : [];
  const page = Number(raw.page ?? 1);
  const needsPosition = !raw.after && page > 1;
  const limit = Number(raw.limit ?? DEFAULT_FEED_LIMIT);
  const after = typeof raw.after === 'string' && raw.after ? raw.after : undefined;
  const knownStart =
    !needsPosition && Number.isInteger(limit) && limit >= 1 && limit <= MAX_FEED_LIMIT;
  return {
    skillsKey: named.length ? skillsKeyOf(named) : undefined,
    needsPosition,
    start: knownStart ? { ...(after ? { after } : {}), limit } : null,
  };
}
