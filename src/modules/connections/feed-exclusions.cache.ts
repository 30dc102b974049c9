import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Types } from 'mongoose';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { IGNORE_EXPIRY_MS } from './connection.schema';
import { GRAPH_CACHE_TTL_MS, type GraphEdge } from './connection-graph.cache';
import { PackedIds } from './packed-ids';

/**
 * Who a user's feed leaves out, as hex ids, and until when that list holds: the moment the oldest
 * `ignored` swipe in it expires (ms; `Infinity` if none).
 */
export interface FeedExclusions {
  ids: PackedIds;
  validUntil: number;
}

/**
 * The exclusions of a whole graph at `now`: everyone on the other side but expired ignores, and
 * `blocked` (hex ids of users blocked by or blocking the viewer; blocks do not expire).
 */
export function feedExclusionsOf(
  edges: GraphEdge[],
  now: Date,
  blocked: readonly string[] = [],
): FeedExclusions {
  const ids: (Types.ObjectId | string)[] = [...blocked];
  let validUntil = Infinity;
  for (const edge of edges) {
    if (edge.status === 'ignored') {
      const expiresAt = edge.createdAt.getTime() + IGNORE_EXPIRY_MS;
      if (expiresAt <= now.getTime()) continue;
      validUntil = Math.min(validUntil, expiresAt);
    }
    ids.push(edge.otherId);
  }
  return { ids: PackedIds.of(ids), validUntil };
}

/**
 * A user's feed exclusions, read on every feed page: a few kilobytes of concatenated ids instead
 * of the whole graph entry, kept packed ({@link PackedIds}): no string per id and no ObjectId
 * built unless the page queries the database. Invalidated
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
      // Read on every feed page and never mutated (PackedIds is immutable).
      rememberDecoded: 1000,
      encode: (value) =>
        JSON.stringify({
          u: Number.isFinite(value.validUntil) ? value.validUntil : null,
          i: value.ids.packed,
          s: value.ids.sorted,
        }),
      decode: (raw) => {
        const parsed = JSON.parse(raw.toString('utf8')) as {
          u: number | null;
          i: unknown;
          s?: boolean;
        };
        if (typeof parsed.i !== 'string') throw new Error('not a list of ids');
        // Entries written before ids were sorted (no `s`) are still read, by a linear scan.
        const ids = PackedIds.fromPacked(parsed.i, parsed.s === true);
        return { ids, validUntil: parsed.u ?? Infinity };
      },
    });
  }
}
