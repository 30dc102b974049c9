import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { ThrottlerRequest, ThrottlerStorage } from '@nestjs/throttler';
import { AppError } from '../errors/app-error';
import { RateLimitGuard, RouteThrottler } from './rate-limit.guard';
import { RATE_LIMIT_KEY, RATE_LIMITS, RateLimitName, THROTTLERS } from './rate-limits';

type Counted = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The guard with a stubbed storage and reflector, run for one throttler on one request. */
function run(routeLimit: RateLimitName | undefined, throttler: RateLimitName, counted: Counted) {
  const headers: Record<string, string> = {};
  const res = { setHeader: jest.fn((name: string, value: string) => (headers[name] = value)) };
  const storage = { increment: jest.fn(() => Promise.resolve(counted)) };
  const reflector = {
    getAllAndOverride: jest.fn((key: string) => (key === RATE_LIMIT_KEY ? routeLimit : undefined)),
  };
  const routeThrottler = new RouteThrottler(
    { throttlers: THROTTLERS },
    storage,
    reflector as unknown as Reflector,
  );
  const guard = new RateLimitGuard(reflector as unknown as Reflector, routeThrottler);
  const context = {
    getHandler: () => run,
    getClass: () => RateLimitGuard,
    switchToHttp: () => ({ getRequest: () => ({ ip: '203.0.113.7' }), getResponse: () => res }),
  } as unknown as ExecutionContext;
  const { ttl, limit } = RATE_LIMITS[throttler];
  const props: ThrottlerRequest = {
    context,
    limit,
    ttl,
    throttler: { name: throttler, ttl, limit },
    blockDuration: ttl,
    getTracker: () => Promise.resolve('203.0.113.7'),
    generateKey: (ctx, tracker, name) =>
      (routeThrottler as unknown as { generateKey: ThrottlerRequest['generateKey'] }).generateKey(
        ctx,
        tracker,
        name,
      ),
  };
  const handle = (
    routeThrottler as unknown as { handleRequest(p: ThrottlerRequest): Promise<boolean> }
  )
    .handleRequest(props)
    .then(
      (allowed) => ({ allowed, error: undefined }),
      (error: unknown) => ({ allowed: false, error }),
    );
  return { handle, headers, storage, guard, routeThrottler, context, reflector };
}

const allowed = (totalHits: number, timeToExpire: number): Counted => ({
  totalHits,
  timeToExpire,
  isBlocked: false,
  timeToBlockExpire: 0,
});
const blocked = (totalHits: number, timeToExpire: number): Counted => ({
  totalHits,
  timeToExpire,
  isBlocked: true,
  timeToBlockExpire: timeToExpire,
});

describe('RateLimitGuard', () => {
  it.each<[string, RateLimitName | undefined, RateLimitName]>([
    ['a route without a limit', undefined, 'signup'],
    ["another route's throttler (signup on the verify-email route)", 'verifyEmail', 'signup'],
  ])('%s: nothing counted, no headers', async (_name, routeLimit, throttler) => {
    const { handle, headers, storage } = run(routeLimit, throttler, allowed(1, 900));
    expect(await handle).toEqual({ allowed: true, error: undefined });
    expect(storage.increment).not.toHaveBeenCalled();
    expect(headers).toEqual({});
  });

  it('counts the named throttler in its own bucket and sets the draft-6 headers', async () => {
    const { handle, headers, storage } = run('signup', 'signup', allowed(4, 712));
    expect(await handle).toEqual({ allowed: true, error: undefined });
    expect(storage.increment).toHaveBeenCalledWith(
      'signup:203.0.113.7',
      15 * 60_000,
      10,
      15 * 60_000,
      'signup',
    );
    expect(headers).toEqual({
      'RateLimit-Policy': '10;w=900',
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '6',
      'RateLimit-Reset': '712',
    });
  });

  it('a blocked hit is a 429 with Retry-After and the retry times', async () => {
    const before = Date.now();
    const { handle, headers } = run('resend', 'resend', blocked(4, 130));
    const { error } = await handle;
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.status).toBe(429);
    expect(appError.message).toBe('Too many verification email request. Please wait a few minutes');
    expect(appError.extra).toMatchObject({ retryAfter: 3, retryAfterSeconds: 130 });
    const retryAt = Date.parse(String(appError.extra?.retryAt));
    expect(retryAt).toBeGreaterThanOrEqual(before + 130_000);
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 130_000);
    expect(headers).toMatchObject({ 'Retry-After': '130', 'RateLimit-Remaining': '0' });
  });

  it('lets a route without a limit through without reading any throttler or counting', async () => {
    const { guard, context, reflector, storage, handle } = run(
      undefined,
      'signup',
      allowed(1, 900),
    );
    await handle;
    reflector.getAllAndOverride.mockClear();
    // A plain boolean: Nest awaits nothing for it.
    expect(guard.canActivate(context)).toBe(true);
    // At most the route's own limit, which is remembered per handler; no throttler's settings.
    expect(reflector.getAllAndOverride.mock.calls.length).toBeLessThanOrEqual(1);
    expect(storage.increment).not.toHaveBeenCalled();
  });

  it('runs every throttler for a route with a limit, counting only its own', async () => {
    const { guard, routeThrottler, context, storage, handle } = run(
      'signup',
      'signup',
      allowed(1, 900),
    );
    await handle;
    storage.increment.mockClear();
    await routeThrottler.onModuleInit();
    expect(await guard.canActivate(context)).toBe(true);
    expect(storage.increment).toHaveBeenCalledTimes(1);
    expect(storage.increment).toHaveBeenCalledWith(
      'signup:203.0.113.7',
      900_000,
      10,
      900_000,
      'signup',
    );
  });
});
