import { Types } from 'mongoose';
import { AppError, appError } from '../../common/errors/app-error';
import { IGNORE_EXPIRY_MS, type ConnectionStatus } from '../connections/connection.schema';
import {
  decideSend,
  PairDocument,
  reviewRefusal,
  roleIn,
  sendToSelfRefusal,
  withdrawRefusal,
} from './request-rules';
import { REQUEST_ERRORS, type RequestErrorName } from './requests.errors';

const id = (n: number) => new Types.ObjectId(n.toString(16).padStart(24, '0'));
const caller = id(1);
const other = id(2);
const stranger = id(3);
const NOW = new Date('2025-06-01T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

/** A pair document between the caller and the other user, created `ageMs` before {@link NOW}. */
function pair(
  status: ConnectionStatus,
  direction: 'from caller' | 'to caller',
  ageMs = DAY,
): PairDocument {
  const [fromUserId, toUserId] = direction === 'from caller' ? [caller, other] : [other, caller];
  return { fromUserId, toUserId, status, createdAt: new Date(NOW.getTime() - ageMs) };
}

describe('REQUEST_ERRORS', () => {
  it.each<[RequestErrorName, number, string]>([
    ['sendToSelf', 400, 'sending request to yourself is not allowed'],
    ['userNotFound', 404, 'User not found'],
    ['alreadyExists', 400, 'request already exist'],
    [
      'concurrentSend',
      409,
      'A request between you and this user was just created; reload to see it',
    ],
    ['onlyReceiverReviews', 403, 'Only the receiver can review this request'],
    ['onlySenderWithdraws', 403, 'Only the sender can withdraw this request'],
    ['requestNotFound', 404, 'Request not found or already reviewed'],
    ['connectionNotFound', 404, 'Connection not found'],
  ])('%s → %i %s', (name, status, message) => {
    const error = appError(REQUEST_ERRORS[name]);
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
  });

  it.each([
    ['invalidSendStatus', 'Interested', 'Invalid Status Type: Interested'],
    ['invalidReviewStatus', 'interested', 'Invalid Request Status: interested'],
  ] as const)('%s(%s) → 400 %s', (name, value, message) => {
    const error = appError(REQUEST_ERRORS[name], value);
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
  });

  it('dailySwipeLimit(10, 42) → 429 naming the limit, the upgrade and the minutes', () => {
    const error = appError(REQUEST_ERRORS.dailySwipeLimit, 10, 42);
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      'You have used your 10 swipes for today. Upgrade to PRO or ELITE for unlimited swipes, or try again in 42 minute(s)',
    );
  });

  it('the tables above cover every refusal', () => {
    expect(Object.keys(REQUEST_ERRORS)).toHaveLength(11);
  });
});

describe('roleIn', () => {
  const document = pair('interested', 'from caller');
  it.each([
    ['the sender', caller, 'sender'],
    ['the receiver', other, 'receiver'],
    ['anyone else', stranger, 'stranger'],
    [
      'the sender, as another ObjectId instance',
      new Types.ObjectId(caller.toHexString()),
      'sender',
    ],
  ])('%s', (_name, userId, role) => {
    expect(roleIn(document, userId)).toBe(role);
  });
});

describe('sendToSelfRefusal', () => {
  it.each([
    ['the same id', caller, caller, 'sendToSelf'],
    [
      'the same id, another instance',
      caller,
      new Types.ObjectId(caller.toHexString()),
      'sendToSelf',
    ],
    ['another user', caller, other, null],
  ])('%s → %s', (_name, from, to, expected) => {
    expect(sendToSelfRefusal(from, to)).toBe(expected);
  });
});

describe('decideSend', () => {
  const directions = ['from caller', 'to caller'] as const;

  it('no document for the pair → create', () => {
    expect(decideSend(null, NOW)).toEqual({ outcome: 'create' });
  });

  describe.each(directions)('a document %s', (direction) => {
    it.each<[string, ConnectionStatus, number, 'replaceExpiredIgnore' | 'refuse']>([
      ['ignored 31 days ago', 'ignored', 31 * DAY, 'replaceExpiredIgnore'],
      ['ignored 30 days and 1 ms ago', 'ignored', IGNORE_EXPIRY_MS + 1, 'replaceExpiredIgnore'],
      ['ignored exactly 30 days ago', 'ignored', IGNORE_EXPIRY_MS, 'refuse'],
      ['ignored 30 days minus 1 ms ago', 'ignored', IGNORE_EXPIRY_MS - 1, 'refuse'],
      ['ignored a day ago', 'ignored', DAY, 'refuse'],
      ['ignored just now', 'ignored', 0, 'refuse'],
      ['interested (pending)', 'interested', DAY, 'refuse'],
      ['interested, pending for over 30 days', 'interested', 31 * DAY, 'refuse'],
      ['accepted', 'accepted', DAY, 'refuse'],
      ['accepted over 30 days ago', 'accepted', 365 * DAY, 'refuse'],
      ['rejected', 'rejected', DAY, 'refuse'],
      ['rejected over 30 days ago (blocks for good)', 'rejected', 365 * DAY, 'refuse'],
    ])('%s → %s', (_name, status, ageMs, outcome) => {
      const existing = pair(status, direction, ageMs);
      const decision = decideSend(existing, NOW);
      expect(decision).toEqual(
        outcome === 'refuse' ? { outcome, error: 'alreadyExists' } : { outcome, expired: existing },
      );
    });
  });

  it('hands back the very document to delete', () => {
    const existing = { ...pair('ignored', 'to caller', 40 * DAY), _id: id(9) };
    const decision = decideSend(existing, NOW);
    expect(decision.outcome === 'replaceExpiredIgnore' && decision.expired).toBe(existing);
  });
});

describe('reviewRefusal (the conditional update changed nothing)', () => {
  const cases: [string, PairDocument | null, Types.ObjectId, RequestErrorName][] = [
    ['no such request', null, caller, 'requestNotFound'],
    [
      'pending, caller is the sender',
      pair('interested', 'from caller'),
      caller,
      'onlyReceiverReviews',
    ],
    [
      'pending, caller is a stranger',
      pair('interested', 'from caller'),
      stranger,
      'onlyReceiverReviews',
    ],
    [
      'pending, caller is the receiver (changed meanwhile)',
      pair('interested', 'to caller'),
      caller,
      'requestNotFound',
    ],
    ['accepted, caller is the receiver', pair('accepted', 'to caller'), caller, 'requestNotFound'],
    ['accepted, caller is the sender', pair('accepted', 'from caller'), caller, 'requestNotFound'],
    [
      'accepted, caller is a stranger',
      pair('accepted', 'from caller'),
      stranger,
      'requestNotFound',
    ],
    ['rejected, caller is the receiver', pair('rejected', 'to caller'), caller, 'requestNotFound'],
    ['rejected, caller is the sender', pair('rejected', 'from caller'), caller, 'requestNotFound'],
    [
      'an ignored swipe, caller is its target',
      pair('ignored', 'to caller'),
      caller,
      'requestNotFound',
    ],
    ['an ignored swipe, caller swiped', pair('ignored', 'from caller'), caller, 'requestNotFound'],
  ];
  it.each(cases)('%s → %s', (_name, existing, userId, expected) => {
    expect(reviewRefusal(existing, userId)).toBe(expected);
  });
});

describe('withdrawRefusal (the conditional delete changed nothing)', () => {
  const cases: [string, PairDocument | null, Types.ObjectId, RequestErrorName][] = [
    ['no such request', null, caller, 'requestNotFound'],
    [
      'pending, caller is the receiver',
      pair('interested', 'to caller'),
      caller,
      'onlySenderWithdraws',
    ],
    [
      'pending, caller is a stranger',
      pair('interested', 'to caller'),
      stranger,
      'onlySenderWithdraws',
    ],
    [
      'pending, caller is the sender (changed meanwhile)',
      pair('interested', 'from caller'),
      caller,
      'requestNotFound',
    ],
    ['accepted, caller is the sender', pair('accepted', 'from caller'), caller, 'requestNotFound'],
    ['accepted, caller is the receiver', pair('accepted', 'to caller'), caller, 'requestNotFound'],
    ['rejected, caller is the sender', pair('rejected', 'from caller'), caller, 'requestNotFound'],
    [
      'rejected, caller is a stranger',
      pair('rejected', 'from caller'),
      stranger,
      'requestNotFound',
    ],
    ['an ignored swipe, caller swiped', pair('ignored', 'from caller'), caller, 'requestNotFound'],
    [
      'an ignored swipe, caller is its target',
      pair('ignored', 'to caller'),
      caller,
      'requestNotFound',
    ],
  ];
  it.each(cases)('%s → %s', (_name, existing, userId, expected) => {
    expect(withdrawRefusal(existing, userId)).toBe(expected);
  });
});
