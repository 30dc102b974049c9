import { SetMetadata, type Type } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Reads a route makes on every request, started by the access guard in the same tick as its
 * session and user reads so that they share one Redis round trip (ioredis auto-pipelines
 * commands issued in one tick) instead of following it. A prefetch starts only once the access
 * JWT has been verified, with that token's user id; the handler uses the result only if it was
 * made for the caller and for what the validated request asks (the raw query is not validated
 * yet when the guard runs), and reads again otherwise.
 */
export interface RoutePrefetcher {
  prefetch(userId: string, req: Request): unknown;
}

export const ROUTE_PREFETCHER = 'route-prefetcher';

/** The route's reads are started by the access guard (see {@link RoutePrefetcher}). */
export const PrefetchOnAuth = (prefetcher: Type<RoutePrefetcher>) =>
  SetMetadata(ROUTE_PREFETCHER, prefetcher);

/** What a prefetcher returned, and for whom. */
export interface Prefetched {
  userId: string;
  value: unknown;
}

type PrefetchingRequest = Request & {
  startPrefetch?: (userId: string) => void;
  prefetched?: Prefetched;
};

/** The guard, before authenticating: the prefetch to start once the token names its user. */
export function armPrefetch(req: Request, prefetcher: RoutePrefetcher): void {
  (req as PrefetchingRequest).startPrefetch = (userId) => {
    (req as PrefetchingRequest).prefetched = { userId, value: prefetcher.prefetch(userId, req) };
  };
}

/** The token strategy, in the tick it starts the session and user reads. */
export function startArmedPrefetch(req: Request, userId: string): void {
  const prefetching = req as PrefetchingRequest;
  const start = prefetching.startPrefetch;
  // Requests of routes without a prefetcher are left untouched (no new property, same shape).
  if (!start) return;
  prefetching.startPrefetch = undefined;
  start(userId);
}

/** What the guard prefetched for this request, if anything (the handler checks it fits). */
export function prefetchedOf(req: Request): Prefetched | undefined {
  return (req as PrefetchingRequest).prefetched;
}
