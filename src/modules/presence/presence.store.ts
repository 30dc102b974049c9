import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import type { Types } from 'mongoose';
import { LuaScript } from '../../common/redis/lua-script';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { AppConfig } from '../../config/app-config';

/**
 * Keys, shared by all instances (under the Redis key prefix):
 * - `presence:<userId>`: the user's live sockets, scored by expiry (now + TTL at the last
 *   heartbeat). A user is online while one has not expired.
 * - `presence:<userId>:since`: the same sockets scored by connection time (oldest first, for
 *   the per-user cap).
 * - `presence:sockets`: every socket as `<userId>:<socketId>`, scored by expiry: what the sweep
 *   reads to find sockets of a dead instance.
 */
const INDEX = 'presence:sockets';
const keyOf = (userId: string) => `presence:${userId}`;
const sinceKeyOf = (userId: string) => `presence:${userId}:since`;
const memberOf = (userId: string, socketId: string) => `${userId}:${socketId}`;

// KEYS: user, since, index. ARGV: now, expiry, socketId, keyTtl, userId, maxPerUser, connectedAt.
// Returns { live count before this socket, evicted socket ids... } (evicted: oldest beyond the cap).
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], 'NX', ARGV[7], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[5] .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local result = { before }
local cap = tonumber(ARGV[6])
if cap > 0 and redis.call('ZCARD', KEYS[1]) > cap then
  local ordered = redis.call('ZRANGE', KEYS[2], 0, -1)
  local live = {}
  for _, id in ipairs(ordered) do
    if redis.call('ZSCORE', KEYS[1], id) then table.insert(live, id)
    else redis.call('ZREM', KEYS[2], id) end
  end
  local excess = #live - cap
  for i = 1, #live do
    if excess <= 0 then break end
    local id = live[i]
    if id ~= ARGV[3] then
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZREM', KEYS[3], ARGV[5] .. ':' .. id)
      table.insert(result, id)
      excess = excess - 1
    end
  end
end
return result`;

// KEYS: user, since, index. ARGV: now, socketId, userId. Returns the live count after.
const REMOVE = `
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[3] .. ':' .. ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZCARD', KEYS[1])`;

// KEYS: user, since, index. ARGV: now, expiry, socketId, keyTtl, userId, connectedAt.
// Extends a socket; re-adds it if a sweep removed it (this instance stalled past the TTL).
// Returns 1 when that made the user online again, else 0.
const HEARTBEAT = `
local known = redis.call('ZSCORE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], 'NX', ARGV[6], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[5] .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if known and tonumber(known) > tonumber(ARGV[1]) then return 0 end
if redis.call('ZCOUNT', KEYS[1], ARGV[1], '+inf') == 1 then return 1 end
return 0`;

// KEYS: user, since, index. ARGV: now, socketId, member. Claims one expired socket: -1 when it was
// refreshed or already removed (another instance's sweep, a disconnect), else the live count after.
const SWEEP = `
local score = redis.call('ZSCORE', KEYS[3], ARGV[3])
if not score or tonumber(score) > tonumber(ARGV[1]) then return -1 end
redis.call('ZREM', KEYS[3], ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[2])
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
local expired = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if removed == 0 and expired == 0 then return -1 end
return redis.call('ZCARD', KEYS[1])`;

export interface LocalSocket {
  userId: string;
  socketId: string;
  /** Connection time (ms), for the per-user cap's "oldest first". */
  connectedAt?: number;
}

export interface Connected {
  /** This is the user's only live socket: they just came online. */
  cameOnline: boolean;
  /** The user's oldest sockets beyond `maxPerUser`, already removed here: disconnect them. */
  evicted: string[];
}

/** Online state in Redis: a user is online while any of their sockets, on any instance, lives. */
@Injectable()
export class PresenceStore {
  private readonly scripts: Record<'connect' | 'remove' | 'heartbeat' | 'sweep', LuaScript>;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.scripts = {
      connect: new LuaScript(redis, 'devlinkPresenceConnect', 3, CONNECT),
      remove: new LuaScript(redis, 'devlinkPresenceRemove', 3, REMOVE),
      heartbeat: new LuaScript(redis, 'devlinkPresenceHeartbeat', 3, HEARTBEAT),
      sweep: new LuaScript(redis, 'devlinkPresenceSweep', 3, SWEEP),
    };
  }

  private get ttlMs(): number {
    return this.config.presence.ttlMs;
  }

  /** Registers a socket; with `maxPerUser`, also picks the user's oldest sockets beyond it. */
  async connect(
    userId: string,
    socketId: string,
    {
      now = Date.now(),
      connectedAt = now,
      maxPerUser = 0,
    }: { now?: number; connectedAt?: number; maxPerUser?: number } = {},
  ): Promise<Connected> {
    const [before, ...evicted] = (await this.scripts.connect.run(
      [keyOf(userId), sinceKeyOf(userId), INDEX],
      [now, now + this.ttlMs, socketId, this.ttlMs * 2, userId, maxPerUser, connectedAt],
    )) as [number, ...string[]];
    return { cameOnline: before === 0, evicted };
  }

  /** Returns true when this is the user's first live socket (they just came online). */
  async add(userId: string, socketId: string, now = Date.now()): Promise<boolean> {
    return (await this.connect(userId, socketId, { now })).cameOnline;
  }

  /** Returns true when that was the user's last live socket (they just went offline). */
  async remove(userId: string, socketId: string, now = Date.now()): Promise<boolean> {
    const count = (await this.scripts.remove.run(
      [keyOf(userId), sinceKeyOf(userId), INDEX],
      [now, socketId, userId],
    )) as number;
    return count === 0;
  }

  /**
   * Extends the expiry of this instance's sockets (re-adding any a sweep removed while this
   * instance stalled). Returns those that made their user online again.
   */
  async heartbeat(sockets: LocalSocket[], now = Date.now()): Promise<LocalSocket[]> {
    if (sockets.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { userId, socketId, connectedAt } of sockets) {
      this.scripts.heartbeat.queue(
        pipeline,
        [keyOf(userId), sinceKeyOf(userId), INDEX],
        [now, now + this.ttlMs, socketId, this.ttlMs * 2, userId, connectedAt ?? now],
      );
    }
    const results = (await pipeline.exec()) ?? [];
    return sockets.filter((_, i) => results[i]?.[1] === 1);
  }

  async forget(sockets: LocalSocket[]): Promise<void> {
    if (sockets.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { userId, socketId } of sockets) {
      pipeline.zrem(keyOf(userId), socketId);
      pipeline.zrem(sinceKeyOf(userId), socketId);
      pipeline.zrem(INDEX, memberOf(userId, socketId));
    }
    await pipeline.exec();
  }

  /**
   * Removes up to `limit` sockets whose expiry passed (their instance stopped heartbeating) and
   * returns the users that have no live socket left, each once. Safe on every instance at once:
   * each socket is claimed by exactly one sweep, and a user is returned by the sweep that removed
   * their last live socket only.
   */
  async sweep(now = Date.now(), limit = 500): Promise<{ removed: number; wentOffline: string[] }> {
    const members = await this.redis.zrangebyscore(INDEX, '-inf', now, 'LIMIT', 0, limit);
    if (members.length === 0) return { removed: 0, wentOffline: [] };
    const pipeline = this.redis.pipeline();
    const parsed = members.map((member) => {
      const at = member.indexOf(':');
      return { member, userId: member.slice(0, at), socketId: member.slice(at + 1) };
    });
    for (const { member, userId, socketId } of parsed) {
      this.scripts.sweep.queue(
        pipeline,
        [keyOf(userId), sinceKeyOf(userId), INDEX],
        [now, socketId, member],
      );
    }
    const results = (await pipeline.exec()) ?? [];
    const wentOffline = new Set<string>();
    let removed = 0;
    parsed.forEach(({ userId }, i) => {
      const count = results[i]?.[1];
      if (typeof count !== 'number' || count < 0) return;
      removed++;
      if (count === 0) wentOffline.add(userId);
    });
    return { removed, wentOffline: [...wentOffline] };
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
