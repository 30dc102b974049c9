import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { Response } from 'express';
import { routeMetadataReader } from '../decorators/route-metadata';
import { rateLimitHeaders, tooManyRequests } from './rate-limit-response';
import { RATE_LIMIT_KEY, RateLimitName } from './rate-limits';

/**
 * @nestjs/throttler for a route with a limit: only the throttler the route names runs.
 * Sets IETF draft-6 `RateLimit-*` headers, and a 429 says exactly when to retry (minutes for
 * the SPA, seconds and an ISO time for everyone else, plus `Retry-After`).
 */
@Injectable()
export class RouteThrottler extends ThrottlerGuard {
  private readonly routeLimit = routeMetadataReader<RateLimitName>(this.reflector, RATE_LIMIT_KEY);

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = props;
    const name = throttler.name as RateLimitName;
    if (this.routeLimit(context) !== name) return true;

    const { req, res } = this.getRequestResponse(context) as {
      req: Record<string, unknown>;
      res: Response;
    };
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, name);
    const { totalHits, timeToExpire, isBlocked, timeToBlockExpire } =
      await this.storageService.increment(key, ttl, limit, blockDuration, name);
    const headers = rateLimitHeaders({ limit, ttlMs: ttl, totalHits, timeToExpire });
    for (const [header, value] of Object.entries(headers)) res.setHeader(header, value);
    if (isBlocked) this.reject(context, name, timeToBlockExpire);
    return true;
  }

  /** Routes name their throttler in the key so buckets never mix (signup ≠ login). */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  private reject(context: ExecutionContext, name: RateLimitName, retryAfterSeconds: number): never {
    const res = context.switchToHttp().getResponse<Response>();
    res.setHeader('Retry-After', String(retryAfterSeconds));
    throw tooManyRequests(name, retryAfterSeconds, Date.now());
  }
}

/**
 * Global guard for opt-in limits: a route that names a throttler with `@RateLimit` goes through
 * {@link RouteThrottler}; every other route passes at once with a plain `true`, before
 * @nestjs/throttler reads any throttler's metadata (six lookups and three awaits per throttler).
 * Nest awaits only a guard that returns a promise, and every promise of a request is also work for
 * the log context's async hooks.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly routeLimit: (context: ExecutionContext) => RateLimitName | undefined;

  constructor(
    reflector: Reflector,
    private readonly throttler: RouteThrottler,
  ) {
    this.routeLimit = routeMetadataReader<RateLimitName>(reflector, RATE_LIMIT_KEY);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.routeLimit(context) === undefined) return true;
    return this.throttler.canActivate(context);
  }
}
