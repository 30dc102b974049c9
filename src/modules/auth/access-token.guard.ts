import { CanActivate, ExecutionContext, Injectable, type Type } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type {
  AuthenticatedRequest,
  AuthenticatedUser,
} from '../../common/decorators/current-user.decorator';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { routeMetadataReader } from '../../common/decorators/route-metadata';
import { appError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import {
  armPrefetch,
  ROUTE_PREFETCHER,
  type RoutePrefetcher,
} from '../../common/http/route-prefetch';
import { AccessTokenStrategy, fromAccessCookie } from './access-token.strategy';

/** What passport gives a strategy for one attempt: its outcome callbacks. */
interface StrategyAttempt {
  success(user: AuthenticatedUser): void;
  fail(): void;
  error(error: unknown): void;
  authenticate(req: AuthenticatedRequest, options: object): void;
}

/**
 * Global guard: every route needs a valid access cookie unless it says `@Public()`. Every
 * failure is a 401 (the SPA refreshes on 401), with the contract's messages (§1.8).
 *
 * It runs the passport-jwt strategy the way `passport.authenticate` does (an attempt object whose
 * success/fail/error settle the request), without what @nestjs/passport's AuthGuard builds around
 * it on every request: a new authenticate middleware with its closures, options merged, and two
 * promises. That wrapping was a sixth of an authenticated read's CPU time (bench/profile-route.js).
 * A token this process has already verified and that has not expired skips the verification
 * (see VerifiedTokens); its session is checked like any other.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly isPublic: (context: ExecutionContext) => boolean | undefined;
  private readonly prefetcherType: (context: ExecutionContext) => Type<RoutePrefetcher> | undefined;
  private readonly prefetchers = new Map<Type<RoutePrefetcher>, RoutePrefetcher>();

  constructor(
    reflector: Reflector,
    private readonly strategy: AccessTokenStrategy,
    private readonly moduleRef: ModuleRef,
  ) {
    this.isPublic = routeMetadataReader<boolean>(reflector, IS_PUBLIC);
    this.prefetcherType = routeMetadataReader<Type<RoutePrefetcher>>(reflector, ROUTE_PREFETCHER);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.isPublic(context)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!fromAccessCookie(req)) throw appError(COMMON_ERRORS.authRequired);
    const prefetcher = this.prefetcherOf(context);
    if (prefetcher) armPrefetch(req, prefetcher);
    return this.authenticate(req).then((auth) => {
      req.auth = auth;
      return true;
    });
  }

  private prefetcherOf(context: ExecutionContext): RoutePrefetcher | undefined {
    const type = this.prefetcherType(context);
    if (!type) return undefined;
    const known = this.prefetchers.get(type);
    if (known) return known;
    const prefetcher = this.moduleRef.get<RoutePrefetcher>(type, { strict: false });
    this.prefetchers.set(type, prefetcher);
    return prefetcher;
  }

  /** The strategy's verdict: the caller, or our error (the token's, or one validate raised). */
  private authenticate(req: AuthenticatedRequest): Promise<AuthenticatedUser> {
    const known = this.strategy.authenticateVerified(req);
    if (known) return known;
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this.strategy) as StrategyAttempt;
      attempt.success = resolve;
      // passport-jwt fails a token that is malformed, badly signed or expired.
      attempt.fail = () => reject(appError(COMMON_ERRORS.accessTokenInvalid));
      attempt.error = (error) =>
        reject(error instanceof Error ? error : appError(COMMON_ERRORS.accessTokenInvalid));
      attempt.authenticate(req, {});
    });
  }
}
