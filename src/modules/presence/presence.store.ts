import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import type { Types } from 'mongoose';
import { REDIS_CLIENT } from '../../common/redis/redis.module';

/** A socket counts as connected this long after its last heartbeat (crashed instances expire). */
export const PRESENCE_TTL_MS = 60_000;
export const PRESENCE_HEARTBEAT_MS = 20_000;

// presence:<userId> is a sorted set of socket ids scored by expiry time, shared by all instances.
const ADD = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('ZCARD', KEYS[1])`;
const REMOVE = `
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZCARD', KEYS[1])`;

const keyOf = (userId: string) => `presence:${userId}`;

/** Online state in Redis: a user is online while any of their sockets, on any instance, lives. */
@Injectable()
export class PresenceStore {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Returns true when this is the user's first live socket (they just came online). */
  async add(userId: string, socketId: string, now = Date.now()): Promise<boolean> {
    const count = (await this.redis.eval(
      ADD,
      1,
      keyOf(userId),
      now,
      now + PRESENCE_TTL_MS,
      socketId,
      PRESENCE_TTL_MS * 2,
    )) as number;
    return count === 1;
  }

  /** Returns true when that was the user's last live socket (they just went offline). */
  async remove(userId: string, socketId: string, now = Date.now()): Promise<boolean> {
    const count = (await this.redis.eval(REMOVE, 1, keyOf(userId), now, socketId)) as number;
    return count === 0;
  }

  /** Extends the expiry of this instance's sockets. */
  async heartbeat(
    sockets: { userId: string; socketId: string }[],
    now = Date.now(),
  ): Promise<void> {
    if (sockets.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { userId, socketId } of sockets) {
      pipeline.zadd(keyOf(userId), 'XX', now + PRESENCE_TTL_MS, socketId);
      pipeline.pexpire(keyOf(userId), PRESENCE_TTL_MS * 2);
    }
    await pipeline.exec();
  }

  async forget(sockets: { userId: string; socketId: string }[]): Promise<void> {
    if (sockets.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { userId, socketId } of sockets) pipeline.zrem(keyOf(userId), socketId);
    await pipeline.exec();
  }

  /** The subset of `userIds` with at least one live socket. */
  async onlineAmong(userIds: (string | Types.ObjectId)[], now = Date.now()): Promise<string[]> {
    if (userIds.length === 0) return [];
    const ids = userIds.map(String);
    const pipeline = this.redis.pipeline();
    ids.forEach((id) => pipeline.zcount(keyOf(id), now, '+inf'));
    const results = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0);
  }
}
