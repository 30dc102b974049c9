import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Types } from 'mongoose';
import { LuaScript } from '../../common/redis/lua-script';
import { readBatcherOf } from '../../common/redis/read-batcher';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { decodeFeedPosition, encodeFeedPosition, type FeedPosition } from './feed-paging';

/** How long a viewer's feed position outlives their last page. */
export const FEED_POSITION_TTL_MS = 60 * 60_000;

// Moves the position only if it is still the one the page continued from ('' = none), so a
// `page>1` that raced a `page=1` cannot carry the position past profiles the restart will serve.
const ADVANCE = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

const keyOf = (viewerId: Types.ObjectId, filterKey: string) =>
  `feed-pos:${viewerId.toHexString()}:${filterKey}`;

/**
 * The last feed position each viewer was served, per skills filter (`feed-pos:<id>:<filter>`,
 * the encoded {@link FeedPosition}: tier, last id, the walk's `asOf`), so
 * `page>1` continues after it instead of counting an offset over a set the viewer's swipes keep
 * shrinking. Never invalidated: continuing after the last served id is always correct, since
 * everyone before it was either swiped (now excluded) or already shown. Redis errors never fail
 * a page: a missing position falls back to the offset.
 */
@Injectable()
export class FeedPositionStore {
  private readonly logger = new Logger(FeedPositionStore.name);
  private readonly advanceScript: LuaScript;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {
    this.advanceScript = new LuaScript(redis, 'devlinkFeedPositionAdvance', 1, ADVANCE);
  }

  /** A value stored before tiers existed (a bare id) reads as none: the page falls back to the offset. */
  async get(viewerId: Types.ObjectId, filterKey: string): Promise<FeedPosition | null> {
    try {
      return decodeFeedPosition(
        await readBatcherOf(this.redis).getString(keyOf(viewerId, filterKey)),
      );
    } catch (error) {
      this.logger.warn({ msg: 'Feed position read failed; paging by offset', err: error });
      return null;
    }
  }

  /** `page=1`: the position becomes `to`, whatever it was. */
  restart(viewerId: Types.ObjectId, filterKey: string, to: FeedPosition): Promise<void> {
    return readBatcherOf(this.redis)
      .set(keyOf(viewerId, filterKey), encodeFeedPosition(to), FEED_POSITION_TTL_MS)
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ msg: 'Feed position write failed', err: error }),
      );
  }

  /** `page>1`: `from` → `to`, only if the position is still `from` (`null`: still none). */
  async advance(
    viewerId: Types.ObjectId,
    filterKey: string,
    from: FeedPosition | null,
    to: FeedPosition,
  ): Promise<void> {
    try {
      await this.advanceScript.run(
        [keyOf(viewerId, filterKey)],
        [from ? encodeFeedPosition(from) : '', encodeFeedPosition(to), FEED_POSITION_TTL_MS],
      );
    } catch (error) {
      this.logger.warn({ msg: 'Feed position write failed', err: error });
    }
  }
}
