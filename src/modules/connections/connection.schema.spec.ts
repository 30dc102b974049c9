import { Types } from 'mongoose';
import {
  ConnectionStatus,
  IGNORE_EXPIRY_MS,
  ignoreExpiryCutoff,
  isExpiredIgnore,
  pairKeyOf,
} from './connection.schema';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

describe('the 30-day ignore', () => {
  it('lasts 30 days', () => {
    expect(IGNORE_EXPIRY_MS).toBe(30 * DAY);
    expect(ignoreExpiryCutoff(NOW).toISOString()).toBe('2025-05-02T12:00:00.000Z');
  });

  it.each<[string, ConnectionStatus, number, boolean]>([
    ['ignored 30 days and 1 ms ago', 'ignored', IGNORE_EXPIRY_MS + 1, true],
    ['ignored a year ago', 'ignored', 365 * DAY, true],
    ['ignored exactly 30 days ago', 'ignored', IGNORE_EXPIRY_MS, false],
    ['ignored 30 days minus 1 ms ago', 'ignored', IGNORE_EXPIRY_MS - 1, false],
    ['ignored just now', 'ignored', 0, false],
    ['ignored in the future (clock skew)', 'ignored', -DAY, false],
    ['interested 31 days ago', 'interested', 31 * DAY, false],
    ['accepted 31 days ago', 'accepted', 31 * DAY, false],
    ['rejected 31 days ago', 'rejected', 31 * DAY, false],
  ])('%s → expired: %s', (_name, status, ageMs, expired) => {
    const createdAt = new Date(NOW.getTime() - ageMs);
    expect(isExpiredIgnore({ status, createdAt }, NOW)).toBe(expired);
  });
});

describe('pairKeyOf', () => {
  const a = new Types.ObjectId('000000000000000000000001');
  const b = new Types.ObjectId('00000000000000000000000f');
  it.each([
    ['a, b', a, b],
    ['b, a', b, a],
    ['strings', b.toHexString(), a.toHexString()],
  ])('is the same for %s', (_name, x, y) => {
    expect(pairKeyOf(x, y)).toBe('000000000000000000000001_00000000000000000000000f');
  });
});
