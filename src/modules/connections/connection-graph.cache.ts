import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Types } from 'mongoose';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { CONNECTION_STATUSES, type ConnectionStatus } from './connection.schema';

/** One connection document as seen from one of its two users. */
export interface GraphEdge {
  _id: Types.ObjectId;
  otherId: Types.ObjectId;
  status: ConnectionStatus;
  /** The user sent it (`fromUserId`), rather than received it. */
  outgoing: boolean;
  createdAt: Date;
}

/**
 * All of a user's connection documents, newest first, or `complete: false` for the rare user
 * with more than {@link MAX_CACHED_EDGES} (their routes query the database instead).
 */
export interface UserGraph {
  complete: boolean;
  edges: GraphEdge[];
}

export const MAX_CACHED_EDGES = 5000;
export const GRAPH_CACHE_TTL_MS = 10 * 60_000;

type EncodedEdge = [id: string, other: string, status: number, outgoing: 0 | 1, createdAt: number];

/**
 * A user's side of the social graph: what the feed excludes and what the request and connection
 * lists show. Small per user and read on every feed page and list, so it is cached whole and
 * every write in {@link ConnectionsRepository} invalidates both users of the pair.
 */
@Injectable()
export class ConnectionGraphCache extends RedisReadCache<UserGraph> {
  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    super(redis, {
      namespace: 'graph',
      ttlMs: GRAPH_CACHE_TTL_MS,
      invalidationMs: 10_000,
      encode: (graph) =>
        JSON.stringify({
          complete: graph.complete,
          edges: graph.edges.map((edge): EncodedEdge => [
            edge._id.toHexString(),
            edge.otherId.toHexString(),
            CONNECTION_STATUSES.indexOf(edge.status),
            edge.outgoing ? 1 : 0,
            edge.createdAt.getTime(),
          ]),
        }),
      decode: (raw) => {
        const parsed = JSON.parse(raw.toString('utf8')) as {
          complete: boolean;
          edges: EncodedEdge[];
        };
        return {
          complete: parsed.complete,
          edges: parsed.edges.map(([id, other, status, outgoing, createdAt]) => ({
            _id: new Types.ObjectId(id),
            otherId: new Types.ObjectId(other),
            status: CONNECTION_STATUSES[status],
            outgoing: outgoing === 1,
            createdAt: new Date(createdAt),
          })),
        };
      },
    });
  }
}
