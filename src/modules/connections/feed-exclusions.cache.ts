import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { IGNORE_EXPIRY_MS } from './connection.schema';
import { GRAPH_CACHE_TTL_MS, type GraphEdge } from './connection-graph.cache';

/**
 * Who a user's feed leaves out, as hex ids, and until when that list holds: the moment the oldest
 * `ignored` swipe in it expires (ms; `Infinity` if none).
 */
export interface FeedExclusions {
  ids: string[];
  validUntil: number;
}

/** The exclusions of a whole graph at `now`: everyone on the other side but expired ignores. */
export function feedExclusionsOf(edges: GraphEdge[], now: Date): FeedExclusions {
  const ids: string[] = [];
  let validUntil = Infinity;
  for (const edge of edges) {
    if (edge.status === 'ignored') {
      const expiresAt = edge.createdAt.getTime() + IGNORE_EXPIRY_MS;
      if (expiresAt <= now.getTime()) continue;
      validUntil = Math.min(validUntil, expiresAt);
    }
    ids.push(edge.otherId.toHexString());
  }
  return { ids, validUntil };
}

const HEX_ID_LENGTH = 24;

/**
 * A user's feed exclusions, read on every feed page: a few kilobytes of concatenated ids instead
 * of the whole graph entry, and no ObjectId built unless the page queries the database. Invalidated
 * with the graph; an entry lives no longer than its list holds (`validUntil`).
 */
@Injectable()
export class FeedExclusionsCache extends RedisReadCache<FeedExclusions> {
  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    super(redis, {
      namespace: 'feed-excl',
      ttlMs: GRAPH_CACHE_TTL_MS,
      ttlMsOf: (value) => value.validUntil - Date.now(),
      invalidationMs: 10_000,
      encode: (value) =>
        JSON.stringify({
          u: Number.isFinite(value.validUntil) ? value.validUntil : null,
          i: value.ids.join(''),
        }),
      decode: (raw) => {
        const parsed = JSON.parse(raw.toString('utf8')) as { u: number | null; i: string };
        if (typeof parsed.i !== 'string' || parsed.i.length % HEX_ID_LENGTH !== 0) {
          throw new Error('not a list of ids');
        }
        const ids: string[] = [];
        for (let at = 0; at < parsed.i.length; at += HEX_ID_LENGTH) {
          ids.push(parsed.i.slice(at, at + HEX_ID_LENGTH));
        }
        return { ids, validUntil: parsed.u ?? Infinity };
      },
    });
  }
}
