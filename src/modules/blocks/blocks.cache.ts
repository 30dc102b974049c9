import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import type { UserBlocks } from './block.rules';

const HEX_ID_LENGTH = 24;

const pack = (ids: readonly string[]) => ids.join('');
function unpack(packed: unknown): string[] {
  if (typeof packed !== 'string' || packed.length % HEX_ID_LENGTH !== 0) {
    throw new Error('not a list of ids');
  }
  const ids: string[] = [];
  for (let at = 0; at < packed.length; at += HEX_ID_LENGTH) {
    ids.push(packed.slice(at, at + HEX_ID_LENGTH));
  }
  return ids;
}

/**
 * A user's blocks, both directions. Read by every request send, chat send and typing relay, by
 * the feed's exclusions when they are rebuilt and by presence fan-out: almost always empty, so
 * one small `GET` instead of two queries. Every write in BlocksRepository invalidates both users.
 */
@Injectable()
export class BlocksCache extends RedisReadCache<UserBlocks> {
  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    super(redis, {
      namespace: 'blocks',
      ttlMs: 10 * 60_000,
      invalidationMs: 10_000,
      rememberDecoded: 1000,
      encode: (value) => JSON.stringify({ b: pack(value.blocked), by: pack(value.blockedBy) }),
      decode: (raw) => {
        const parsed = JSON.parse(raw.toString('utf8')) as { b: unknown; by: unknown };
        return { blocked: unpack(parsed.b), blockedBy: unpack(parsed.by) };
      },
    });
  }
}
