import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { Response } from 'express';
import { routeMetadataReader } from '../decorators/route-metadata';
import { rateLimitHeaders, tooManyRequests } from './rate-limit-response';
import { RATE_LIMIT_KEY, RateLimitName } from './rate-limits';

/**
 * @nestjs/throttler with opt-in limits: only the throttler a route names with `@RateLimit` runs.
 * Sets IETF draft-6 `RateLimit-*` headers, and a 429 says exactly when to retry (minutes for
 * the SPA, seconds and an ISO time for everyone else, plus `Retry-After`).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly routeLimit = routeMetadataReader<RateLimitName>(this.reflector, RATE_LIMIT_KEY);

  /**
   * Most routes name no limit: let them through before the base class reads every throttler's
   * metadata (six lookups and three awaits per throttler, on every request).
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.routeLimit(context) === undefined) return true;
    return super.canActivate(context);
  }

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
