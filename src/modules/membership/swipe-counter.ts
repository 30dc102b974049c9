import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { LuaScript } from '../../common/redis/lua-script';
import { readBatcherOf } from '../../common/redis/read-batcher';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { AppConfig } from '../../config/app-config';
import { dayIn, startOfDayIn } from '../../common/time/time-zone';

/** The time the swipe counter and the send route read; tests replace `now` to cross a day. */
@Injectable()
export class SwipeClock {
  now(): Date {
    return new Date();
  }
}

/** The local day (DIGEST_TIME_ZONE) of `now` and the UTC instant it ends. */
export function swipeDay(now: Date, timeZone: string): { day: string; resetsAt: Date } {
  const day = dayIn(now, timeZone);
  const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
  return { day, resetsAt: startOfDayIn(next, timeZone) };
}

export type SwipeReservation =
  /** Counted: release it if the send then fails. */
  | { outcome: 'reserved'; key: string; limit: number; used: number }
  /** Over the limit: nothing was counted. */
  | { outcome: 'refused'; limit: number; resetsAt: Date }
  /** Redis unavailable: allowed, not counted (fails open like the chat limiter). */
  | { outcome: 'uncounted' };

// Atomic check-and-count: concurrent sends (on any instance) can never push the count past the
// limit, because the comparison and the INCR run as one Redis script.
const RESERVE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return -1 end
used = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return used`;

// Gives a reserved swipe back, never below zero.
const RELEASE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** Kept an hour past the day's end, then Redis drops it (the key names the day, so no overlap). */
const KEEP_AFTER_DAY_MS = 60 * 60_000;

/**
 * FREE users' daily swipes (interested + ignored sends), one Redis counter per user per local day
 * (`swipes:<userId>:<YYYY-MM-DD>`, day in DIGEST_TIME_ZONE), shared by every API instance.
 * Policy: reserve then release — a send reserves a swipe atomically before writing and releases it
 * if the send is refused or fails, so only successful swipes stay counted and concurrent sends
 * cannot exceed the limit.
 */
@Injectable()
export class SwipeCounter {
  private readonly logger = new Logger(SwipeCounter.name);
  private readonly reserveScript: LuaScript;
  private readonly releaseScript: LuaScript;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.reserveScript = new LuaScript(redis, 'devlinkSwipeReserve', 1, RESERVE);
    this.releaseScript = new LuaScript(redis, 'devlinkSwipeRelease', 1, RELEASE);
  }

  private keyOf(userId: string, now: Date) {
    const { day, resetsAt } = swipeDay(now, this.config.digest.timeZone);
    return { key: `swipes:${userId}:${day}`, resetsAt };
  }

  async reserve(userId: string, limit: number, now: Date): Promise<SwipeReservation> {
    const { key, resetsAt } = this.keyOf(userId, now);
    try {
      const used = Number(
        await this.reserveScript.run(
          [key],
          [
            limit,
            // relative to the app's clock (not Redis's), so instances and tests agree on the day
            resetsAt.getTime() - now.getTime() + KEEP_AFTER_DAY_MS,
          ],
        ),
      );
      if (used < 0) return { outcome: 'refused', limit, resetsAt };
      return { outcome: 'reserved', key, limit, used };
    } catch (error) {
      this.logger.warn({ msg: 'Swipe counter unavailable; allowing', userId, err: error });
      return { outcome: 'uncounted' };
    }
  }

  async release(reservation: SwipeReservation | null): Promise<void> {
    if (reservation?.outcome !== 'reserved') return;
    try {
      await this.releaseScript.run([reservation.key], []);
    } catch (error) {
      this.logger.warn({ msg: 'Swipe release failed', key: reservation.key, err: error });
    }
  }

  /** Swipes used today (0 when Redis is unavailable) and when today ends. */
  async today(userId: string, now: Date): Promise<{ used: number; resetsAt: Date }> {
    const { key, resetsAt } = this.keyOf(userId, now);
    try {
      return { used: Number((await readBatcherOf(this.redis).getString(key)) ?? 0), resetsAt };
    } catch (error) {
      this.logger.warn({ msg: 'Swipe counter unavailable; reporting 0 used', userId, err: error });
      return { used: 0, resetsAt };
    }
  }
}
