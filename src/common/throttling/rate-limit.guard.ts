import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { Response } from 'express';
import { AppError } from '../errors/app-error';
import { RATE_LIMIT_KEY, RATE_LIMITS, RateLimitName } from './rate-limits';

/**
 * @nestjs/throttler with opt-in limits: only the throttler a route names with `@RateLimit` runs.
 * Sets IETF draft-6 `RateLimit-*` headers, and a 429 says exactly when to retry (minutes for
 * the SPA, seconds and an ISO time for everyone else, plus `Retry-After`).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = props;
    const routeLimit = this.reflector.getAllAndOverride<RateLimitName | undefined>(RATE_LIMIT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const name = throttler.name as RateLimitName;
    if (routeLimit !== name) return true;

    const { req, res } = this.getRequestResponse(context) as {
      req: Record<string, unknown>;
      res: Response;
    };
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, name);
    const { totalHits, timeToExpire, isBlocked } = await this.storageService.increment(
      key,
      ttl,
      limit,
      blockDuration,
      name,
    );
    res.setHeader('RateLimit-Policy', `${limit};w=${Math.round(ttl / 1000)}`);
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - totalHits)));
    res.setHeader('RateLimit-Reset', String(timeToExpire));
    if (isBlocked) this.reject(context, name, timeToExpire);
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
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    throw new AppError('TOO_MANY_REQUESTS', RATE_LIMITS[name].message(minutes), {
      retryAfter: minutes,
      retryAfterSeconds,
      retryAt: new Date(Date.now() + retryAfterSeconds * 1000).toISOString(),
    });
  }
}
