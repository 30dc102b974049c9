import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when `given` equals `expected`, in time independent of where they differ and of their
 * lengths (both are hashed to 32 bytes first, then compared with `timingSafeEqual`).
 */
export function secretMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when an `Authorization` header is `Bearer <expected>` (scheme case-insensitive). */
export function bearerTokenMatches(authorization: unknown, expected: string | undefined): boolean {
  if (!expected || typeof authorization !== 'string') return false;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  return match !== null && secretMatches(match[1], expected);
}

/**
 * True when an `Authorization` header is HTTP basic (`Basic base64(user:password)`) with exactly
 * these credentials. User and password are both compared in constant time, always both.
 */
export function basicCredentialsMatch(
  authorization: unknown,
  expected: { user: string; password: string },
): boolean {
  if (typeof authorization !== 'string') return false;
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization);
  if (!match) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = secretMatches(decoded.slice(0, colon), expected.user);
  const passwordOk = secretMatches(decoded.slice(colon + 1), expected.password);
  return userOk && passwordOk;
}
