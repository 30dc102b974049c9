import type { SessionRecord } from './session.schema';
import type { RefreshClaims } from './token.service';

/** A just-rotated refresh token still works this long (the SPA refreshes concurrently, §9.6 M5). */
export const REFRESH_GRACE_MS = 30_000;

export type RefreshSession = Pick<
  SessionRecord,
  | 'userId'
  | 'generation'
  | 'tokenHash'
  | 'previousTokenHash'
  | 'rotatedAt'
  | 'revokedAt'
  | 'expiresAt'
>;

/**
 * What a presented refresh token may do with its session:
 * - `invalid`: no such session, revoked, expired or another user's — refuse, change nothing;
 * - `rotate`: it is the current token — issue the next generation;
 * - `grace`: it is the token rotated less than {@link REFRESH_GRACE_MS} ago (a concurrent refresh
 *   of the same tab) — hand back the current pair instead of rotating again;
 * - `reuse`: anything else signed for this session (an older generation, or the previous one
 *   after the grace window) — a replayed, probably stolen token: revoke the session.
 */
export type RefreshDecision = 'invalid' | 'rotate' | 'grace' | 'reuse';

export function decideRefresh(
  session: RefreshSession | null,
  claims: Pick<RefreshClaims, 'userId' | 'gen'>,
  presentedHash: string,
  now: Date,
): RefreshDecision {
  if (
    !session ||
    session.revokedAt ||
    session.expiresAt <= now ||
    session.userId.toHexString() !== claims.userId
  ) {
    return 'invalid';
  }
  if (claims.gen === session.generation && presentedHash === session.tokenHash) return 'rotate';
  const justRotated =
    claims.gen === session.generation - 1 &&
    presentedHash === session.previousTokenHash &&
    session.rotatedAt !== null &&
    now.getTime() - session.rotatedAt.getTime() <= REFRESH_GRACE_MS;
  return justRotated ? 'grace' : 'reuse';
}
