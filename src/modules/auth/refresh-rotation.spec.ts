import { Types } from 'mongoose';
import {
  decideRefresh,
  REFRESH_GRACE_MS,
  RefreshDecision,
  RefreshSession,
} from './refresh-rotation';

const USER = new Types.ObjectId();
const NOW = new Date('2026-11-28T10:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

/** A session at generation 3: token hash `h3` current, `h2` the one rotated away `rotatedMsAgo` ms ago. */
function session(
  overrides: Partial<RefreshSession> & { rotatedMsAgo?: number } = {},
): RefreshSession {
  const { rotatedMsAgo = 5_000, ...rest } = overrides;
  return {
    userId: USER,
    generation: 3,
    tokenHash: 'h3',
    previousTokenHash: 'h2',
    rotatedAt: ago(rotatedMsAgo),
    revokedAt: null,
    expiresAt: new Date(NOW.getTime() + 86_400_000),
    ...rest,
  };
}

describe('decideRefresh', () => {
  const claims = (gen: number, userId = USER.toHexString()) => ({ gen, userId });

  it.each<[string, RefreshSession | null, number, string, RefreshDecision]>([
    ['the current token rotates', session(), 3, 'h3', 'rotate'],
    [
      'the previous token inside the grace window gets the current pair',
      session(),
      2,
      'h2',
      'grace',
    ],
    [
      '…exactly at the end of the window still does',
      session({ rotatedMsAgo: REFRESH_GRACE_MS }),
      2,
      'h2',
      'grace',
    ],
    [
      '…one ms later it is a replay',
      session({ rotatedMsAgo: REFRESH_GRACE_MS + 1 }),
      2,
      'h2',
      'reuse',
    ],
    ['a token two generations old is a replay', session(), 1, 'h1', 'reuse'],
    ['the current generation with another hash is a replay', session(), 3, 'forged', 'reuse'],
    ['the previous generation with another hash is a replay', session(), 2, 'h1', 'reuse'],
    [
      'never rotated: the previous generation is a replay',
      session({ rotatedAt: null, previousTokenHash: null }),
      2,
      'h2',
      'reuse',
    ],
    ['no session', null, 3, 'h3', 'invalid'],
    ['a revoked session', session({ revokedAt: ago(1) }), 3, 'h3', 'invalid'],
    ['an expired session', session({ expiresAt: NOW }), 3, 'h3', 'invalid'],
  ])('%s', (_name, stored, gen, hash, expected) => {
    expect(decideRefresh(stored, claims(gen), hash, NOW)).toBe(expected);
  });

  it("another user's token for this session is invalid, never a replay that revokes it", () => {
    expect(decideRefresh(session(), claims(3, new Types.ObjectId().toHexString()), 'h3', NOW)).toBe(
      'invalid',
    );
  });
});
