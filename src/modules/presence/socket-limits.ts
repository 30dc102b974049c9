import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/** Refills are sums of fractions: 0.1 + 0.9 may land just under 1. */
const EPSILON = 1e-9;

/** A token bucket: `capacity` at once, refilled at `ratePerSecond`. In memory, one instance. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly ratePerSecond: number,
    readonly capacity: number,
    now = Date.now(),
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  /** Takes one token; false (nothing taken) when the bucket is empty. */
  take(now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < 1 - EPSILON) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** Milliseconds until one token is available (0: now). */
  retryAfterMs(now = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 - EPSILON
      ? 0
      : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  /** True when the bucket is full again (nothing to remember about this client). */
  isFull(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.capacity - EPSILON;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at);
    this.at = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.ratePerSecond);
  }
}

/**
 * What happens to one incoming socket event: `allow`; `drop` (silently: the client was told
 * recently); `notify` (dropped, and the client gets one `rateLimited` event); `close` (dropped, and
 * the socket kept flooding: its transport is closed).
 */
export type EventVerdict = 'allow' | 'drop' | 'notify' | 'close';

/** Dropped events beyond this many bursts (net of the refill rate) close the transport. */
export const FLOOD_CLOSE_BURSTS = 5;
/** At most one `rateLimited` event per socket per this many ms. */
export const RATE_LIMIT_NOTICE_MS = 1000;

/**
 * Per-socket event limit: a token bucket of `burst` events refilled at `perSecond`, across every
 * event the socket sends. An event over the limit is dropped. Dropped events are counted, and the
 * count drains at `perSecond` too, so a client slightly over the rate is only throttled, while one
 * that keeps sending far faster (more than {@link FLOOD_CLOSE_BURSTS} × `burst` dropped, net) is
 * flooding and gets its transport closed.
 */
export class SocketEventLimiter {
  private readonly bucket: TokenBucket;
  private readonly dropped: { count: number; at: number };
  private noticeAt = -Infinity;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.bucket = new TokenBucket(perSecond, burst, now);
    this.dropped = { count: 0, at: now };
  }

  check(now = Date.now()): EventVerdict {
    const elapsed = Math.max(0, now - this.dropped.at);
    this.dropped.count = Math.max(0, this.dropped.count - (elapsed / 1000) * this.perSecond);
    this.dropped.at = now;
    if (this.bucket.take(now)) return 'allow';
    this.dropped.count += 1;
    if (this.dropped.count > FLOOD_CLOSE_BURSTS * this.burst) return 'close';
    if (now - this.noticeAt < RATE_LIMIT_NOTICE_MS) return 'drop';
    this.noticeAt = now;
    return 'notify';
  }

  retryAfterMs(now = Date.now()): number {
    return this.bucket.retryAfterMs(now);
  }
}

/** Per-IP buckets kept at most; beyond, idle (full) ones are forgotten, then new IPs share one. */
const MAX_TRACKED_IPS = 10_000;

/**
 * Admission of engine.io handshakes that carry no credential signed by us (anonymous, forged or
 * foreign tokens): a bucket per client IP (`perIpPerMinute`, all of it at once) and one for the
 * whole instance (`perSecond`, twice that at once). A handshake with a signed credential is never
 * limited here (its session check is the cost worth paying), so a flood of anonymous handshakes
 * cannot crowd out users. Refused handshakes get HTTP 403 from engine.io; socket.io-client treats
 * that as a failed attempt and retries with its backoff.
 */
export class HandshakeGuard {
  private readonly perIp = new Map<string, TokenBucket>();
  private readonly overflow: TokenBucket;
  private readonly global: TokenBucket;

  constructor(
    private readonly perIpPerMinute: number,
    perSecond: number,
    now = Date.now(),
  ) {
    this.global = new TokenBucket(perSecond, perSecond * 2, now);
    this.overflow = new TokenBucket(perIpPerMinute / 60, perIpPerMinute, now);
  }

  admitAnonymous(ip: string, now = Date.now()): boolean {
    const bucket = this.bucketOf(ip, now);
    if (!bucket.take(now)) return false;
    return this.global.take(now);
  }

  private bucketOf(ip: string, now: number): TokenBucket {
    let bucket = this.perIp.get(ip);
    if (bucket) return bucket;
    if (this.perIp.size >= MAX_TRACKED_IPS) {
      for (const [key, value] of this.perIp) if (value.isFull(now)) this.perIp.delete(key);
      if (this.perIp.size >= MAX_TRACKED_IPS) return this.overflow;
    }
    bucket = new TokenBucket(this.perIpPerMinute / 60, this.perIpPerMinute, now);
    this.perIp.set(ip, bucket);
    return bucket;
  }
}

/**
 * The client IP of a raw request, computed as Express computes `req.ip` with `trust proxy` set to
 * a hop count (the same library, so the socket limits and HTTP agree on who a client is).
 */
export function clientIpOf(req: IncomingMessage, trustedHops: number): string {
  return proxyAddr(req, (_address, hop) => hop < trustedHops);
}
