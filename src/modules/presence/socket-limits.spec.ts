import type { IncomingMessage } from 'node:http';
import {
  clientIpOf,
  FLOOD_CLOSE_BURSTS,
  HandshakeGuard,
  RATE_LIMIT_NOTICE_MS,
  SocketEventLimiter,
  TokenBucket,
} from './socket-limits';

const T0 = 1_000_000;

describe('TokenBucket', () => {
  it('gives its capacity at once, then refills at the rate', () => {
    const bucket = new TokenBucket(10, 3, T0);
    expect([1, 2, 3, 4].map(() => bucket.take(T0))).toEqual([true, true, true, false]);
    expect(bucket.retryAfterMs(T0)).toBe(100);
    expect(bucket.take(T0 + 99)).toBe(false);
    expect(bucket.take(T0 + 100)).toBe(true);
    expect(bucket.isFull(T0 + 100)).toBe(false);
    expect(bucket.isFull(T0 + 400)).toBe(true);
  });

  it('never holds more than its capacity, and a clock going back refills nothing', () => {
    const bucket = new TokenBucket(1, 2, T0);
    expect(bucket.take(T0 + 60_000)).toBe(true);
    expect(bucket.take(T0 + 60_000)).toBe(true);
    expect(bucket.take(T0 + 60_000)).toBe(false);
    expect(bucket.take(T0)).toBe(false);
  });
});

describe('SocketEventLimiter', () => {
  it('allows the burst, then the rate; the first drop notifies, later ones within a second do not', () => {
    const limiter = new SocketEventLimiter(10, 5, T0);
    for (let i = 0; i < 5; i++) expect(limiter.check(T0)).toBe('allow');
    expect(limiter.check(T0)).toBe('notify');
    expect(limiter.check(T0 + 10)).toBe('drop');
    expect(limiter.check(T0 + 100)).toBe('allow'); // one token refilled
    expect(limiter.check(T0 + 110)).toBe('drop');
    // A second later the bucket is full again; once it is empty, the next drop notifies again.
    const later = T0 + RATE_LIMIT_NOTICE_MS;
    for (let i = 0; i < 5; i++) expect(limiter.check(later)).toBe('allow');
    expect(limiter.check(later)).toBe('notify');
  });

  it('a client at twice the rate is throttled forever but never closed', () => {
    const limiter = new SocketEventLimiter(10, 5, T0);
    const verdicts = new Set<string>();
    for (let ms = 0; ms < 60_000; ms += 50) verdicts.add(limiter.check(T0 + ms)); // 20/s
    expect(verdicts.has('allow')).toBe(true);
    expect(verdicts.has('close')).toBe(false);
  });

  it('a flood far over the rate is closed once its net drops pass the flood threshold', () => {
    const limiter = new SocketEventLimiter(10, 5, T0);
    let sent = 0;
    let verdict = limiter.check(T0);
    while (verdict !== 'close' && sent < 10_000) verdict = limiter.check(T0 + ++sent); // 1000/s
    expect(verdict).toBe('close');
    // 5 allowed at once, ~1 more per 100 ms; drops drain at 10/s: about 5 × burst net drops.
    expect(sent).toBeGreaterThan(FLOOD_CLOSE_BURSTS * 5);
    expect(sent).toBeLessThanOrEqual(FLOOD_CLOSE_BURSTS * 5 * 1.4);
  });
});

describe('HandshakeGuard', () => {
  it('admits each IP its per-minute allowance at once, then one per (60 / allowance) s', () => {
    const guard = new HandshakeGuard(6, 1000, T0);
    for (let i = 0; i < 6; i++) expect(guard.admitAnonymous('10.0.0.1', T0)).toBe(true);
    expect(guard.admitAnonymous('10.0.0.1', T0)).toBe(false);
    expect(guard.admitAnonymous('10.0.0.2', T0)).toBe(true); // another IP has its own bucket
    expect(guard.admitAnonymous('10.0.0.1', T0 + 9_999)).toBe(false);
    expect(guard.admitAnonymous('10.0.0.1', T0 + 10_000)).toBe(true);
  });

  it('caps the instance whatever the number of IPs (twice the per-second rate at once)', () => {
    const guard = new HandshakeGuard(60, 5, T0);
    const admitted = Array.from({ length: 100 }, (_, i) => guard.admitAnonymous(`10.1.0.${i}`, T0));
    expect(admitted.filter(Boolean)).toHaveLength(10);
    expect(guard.admitAnonymous('10.2.0.1', T0 + 200)).toBe(true);
    expect(guard.admitAnonymous('10.2.0.2', T0 + 200)).toBe(false);
  });
});

describe('clientIpOf', () => {
  it.each([
    { xff: undefined, hops: 0, ip: '127.0.0.1' },
    { xff: '1.1.1.1', hops: 0, ip: '127.0.0.1' }, // no trusted proxy: the header is ignored
    { xff: '1.1.1.1', hops: 1, ip: '1.1.1.1' },
    { xff: '9.9.9.9, 1.1.1.1', hops: 1, ip: '1.1.1.1' }, // the client's own entry is not trusted
    { xff: '9.9.9.9, 1.1.1.1', hops: 2, ip: '9.9.9.9' },
    { xff: '1.1.1.1', hops: 3, ip: '1.1.1.1' }, // fewer entries than hops: the left-most
    { xff: undefined, hops: 1, ip: '127.0.0.1' },
  ])('X-Forwarded-For "$xff" with $hops trusted hops is $ip', ({ xff, hops, ip }) => {
    const req = {
      headers: xff ? { 'x-forwarded-for': xff } : {},
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as IncomingMessage;
    expect(clientIpOf(req, hops)).toBe(ip);
  });
});
