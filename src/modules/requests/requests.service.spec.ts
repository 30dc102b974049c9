import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { AppError } from '../../common/errors/app-error';
import {
  IGNORE_EXPIRY_MS,
  type ConnectionRecord,
  type ConnectionStatus,
} from '../connections/connection.schema';
import type { ConnectionsRepository } from '../connections/connections.repository';
import type { BlocksRepository } from '../blocks/blocks.repository';
import type { NotificationsService } from '../notifications/notifications.service';
import type { PresenceService } from '../presence/presence.service';
import type { UserRecord } from '../users/user.schema';
import type { UsersRepository } from '../users/users.repository';
import type { EntitlementsService } from '../membership/entitlements.service';
import { RequestsService } from './requests.service';
import { SwipeClock, type SwipeCounter, type SwipeReservation } from '../membership/swipe-counter';
import { REQUEST_ERRORS } from './requests.errors';

const id = (n: number) => new Types.ObjectId(n.toString(16).padStart(24, '0'));
const DAY = 24 * 60 * 60 * 1000;
const me = id(1);
const them = id(2);
const stranger = id(3);
const requestId = id(50);
const caller: AuthenticatedUser = {
  userId: me,
  sessionId: id(99),
  user: { _id: me, firstName: 'Ada' },
};

function connection(
  status: ConnectionStatus,
  fromUserId = me,
  toUserId = them,
  ageMs = DAY,
): ConnectionRecord {
  const createdAt = new Date(Date.now() - ageMs);
  return {
    _id: requestId,
    pairKey: [fromUserId.toHexString(), toUserId.toHexString()].sort().join('_'),
    fromUserId,
    toUserId,
    status,
    createdAt,
    updatedAt: createdAt,
    __v: 0,
  };
}

/** RequestsService with every collaborator stubbed; each stub answers as the test says. */
function setup() {
  const connections = {
    findByPair: jest.fn<Promise<ConnectionRecord | null>, [Types.ObjectId, Types.ObjectId]>(() =>
      Promise.resolve(null),
    ),
    deleteIfExpiredIgnore: jest.fn<Promise<boolean>, [ConnectionRecord, Date]>(() =>
      Promise.resolve(true),
    ),
    create: jest.fn((from: Types.ObjectId, to: Types.ObjectId, status: ConnectionStatus) =>
      Promise.resolve({ ...connection(status, from, to, 0), _id: id(77) }),
    ),
    review: jest.fn<Promise<ConnectionRecord | null>, [Types.ObjectId, Types.ObjectId, string]>(
      () => Promise.resolve(null),
    ),
    withdraw: jest.fn<Promise<boolean>, [Types.ObjectId, Types.ObjectId]>(() =>
      Promise.resolve(false),
    ),
    removeAccepted: jest.fn<Promise<boolean>, [Types.ObjectId, Types.ObjectId]>(() =>
      Promise.resolve(false),
    ),
    findById: jest.fn<Promise<ConnectionRecord | null>, [Types.ObjectId]>(() =>
      Promise.resolve(null),
    ),
  };
  const users = {
    findById: jest.fn<Promise<UserRecord | null>, [Types.ObjectId]>((userId) =>
      Promise.resolve({ _id: userId, firstName: 'Target' } as UserRecord),
    ),
  };
  const presence = {
    notify: jest.fn(),
    connectionAdded: jest.fn(),
    connectionRemoved: jest.fn(),
  };
  // Unlimited swipes unless a test sets dailySwipes (the counter has its own e2e tests).
  const entitlements = {
    forUser: jest.fn(() =>
      Promise.resolve({ entitlements: { dailySwipes: null as number | null } }),
    ),
  };
  const swipes = {
    reserve: jest.fn<Promise<SwipeReservation>, [string, number, Date]>(() =>
      Promise.resolve({ outcome: 'reserved', key: 'k', limit: 10, used: 1 }),
    ),
    release: jest.fn(() => Promise.resolve()),
  };
  // No blocks here: the block rules have their own spec and e2e story.
  const blocks = { between: jest.fn(() => Promise.resolve('none' as const)) };
  const service = new RequestsService(
    connections as unknown as ConnectionsRepository,
    users as unknown as UsersRepository,
    presence as unknown as PresenceService,
    entitlements as unknown as EntitlementsService,
    swipes as unknown as SwipeCounter,
    new SwipeClock(),
    // Notifications push through presence and are stored; here only the push is observed.
    presence as unknown as NotificationsService,
    blocks as unknown as BlocksRepository,
  );
  const writes = () =>
    [
      connections.deleteIfExpiredIgnore,
      connections.create,
      connections.review,
      connections.withdraw,
      connections.removeAccepted,
    ].reduce((n, fn) => n + fn.mock.calls.length, 0);
  const emitted = () =>
    presence.notify.mock.calls.length +
    presence.connectionAdded.mock.calls.length +
    presence.connectionRemoved.mock.calls.length;
  return { service, connections, users, presence, writes, emitted, entitlements, swipes };
}

/** The AppError a promise rejects with, as status and message. */
async function refusal(promise: Promise<unknown>) {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return { status: (error as AppError).status, message: (error as AppError).message };
}

beforeAll(() => {
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
});

describe('RequestsService.send', () => {
  it('refuses a request to yourself before any lookup or write', async () => {
    const s = setup();
    expect(
      await refusal(s.service.send(caller, 'interested', new Types.ObjectId(me.toHexString()))),
    ).toEqual({
      status: 400,
      message: REQUEST_ERRORS.sendToSelf.message,
    });
    expect(s.users.findById).not.toHaveBeenCalled();
    expect(s.connections.findByPair).not.toHaveBeenCalled();
    expect(s.writes() + s.emitted()).toBe(0);
  });

  it('refuses an unknown user before reading the pair', async () => {
    const s = setup();
    s.users.findById.mockResolvedValue(null);
    expect(await refusal(s.service.send(caller, 'interested', them))).toEqual({
      status: 404,
      message: REQUEST_ERRORS.userNotFound.message,
    });
    expect(s.connections.findByPair).not.toHaveBeenCalled();
    expect(s.writes() + s.emitted()).toBe(0);
  });

  it.each([
    ['interested', 1],
    ['ignored', 0],
  ] as const)('with no document, %s creates it; notifications: %i', async (status, notified) => {
    const s = setup();
    const view = await s.service.send(caller, status, them);
    expect(s.connections.findByPair).toHaveBeenCalledWith(me, them);
    expect(s.connections.deleteIfExpiredIgnore).not.toHaveBeenCalled();
    expect(s.connections.create).toHaveBeenCalledWith(me, them, status);
    expect(view).toMatchObject({
      _id: id(77).toHexString(),
      fromUserId: me.toHexString(),
      toUserId: them.toHexString(),
      status,
    });
    expect(s.presence.notify).toHaveBeenCalledTimes(notified);
    if (notified) {
      expect(s.presence.notify).toHaveBeenCalledWith(them.toHexString(), {
        type: 'request',
        from: 'Ada',
        text: 'sent you a connection request',
        targetUserId: me.toHexString(),
      });
      expect(s.presence.notify.mock.invocationCallOrder[0]).toBeGreaterThan(
        s.connections.create.mock.invocationCallOrder[0],
      );
    }
  });

  it.each<[string, ConnectionRecord]>([
    ['a recent ignore by me', connection('ignored', me, them, DAY)],
    ['a recent ignore by them', connection('ignored', them, me, DAY)],
    ['an ignore just under 30 days old', connection('ignored', them, me, IGNORE_EXPIRY_MS - 1000)],
    ['a pending request from me', connection('interested', me, them)],
    ['a pending request from them', connection('interested', them, me)],
    ['an accepted connection', connection('accepted', them, me)],
    ['a rejected request (for good)', connection('rejected', me, them, 365 * DAY)],
  ])('with %s, refuses without writing', async (_name, existing) => {
    const s = setup();
    s.connections.findByPair.mockResolvedValue(existing);
    expect(await refusal(s.service.send(caller, 'interested', them))).toEqual({
      status: 400,
      message: REQUEST_ERRORS.alreadyExists.message,
    });
    expect(s.writes() + s.emitted()).toBe(0);
  });

  it.each([
    ['by me', me, them],
    ['by them', them, me],
  ])(
    'an ignore over 30 days old (%s) is deleted, then the request created',
    async (_name, from, to) => {
      const s = setup();
      const expired = connection('ignored', from, to, 31 * DAY);
      s.connections.findByPair.mockResolvedValue(expired);
      await s.service.send(caller, 'interested', them);
      expect(s.connections.deleteIfExpiredIgnore).toHaveBeenCalledWith(expired, expect.any(Date));
      expect(s.connections.create).toHaveBeenCalledWith(me, them, 'interested');
      expect(s.connections.deleteIfExpiredIgnore.mock.invocationCallOrder[0]).toBeLessThan(
        s.connections.create.mock.invocationCallOrder[0],
      );
      expect(s.presence.notify).toHaveBeenCalledTimes(1);
    },
  );

  it('an expired ignore renewed meanwhile (conditional delete fails) refuses the send', async () => {
    const s = setup();
    s.connections.findByPair.mockResolvedValue(connection('ignored', them, me, 31 * DAY));
    s.connections.deleteIfExpiredIgnore.mockResolvedValue(false);
    expect(await refusal(s.service.send(caller, 'interested', them))).toEqual({
      status: 400,
      message: REQUEST_ERRORS.alreadyExists.message,
    });
    expect(s.connections.create).not.toHaveBeenCalled();
    expect(s.emitted()).toBe(0);
  });

  it('a concurrent send that won the unique index → 409, nothing emitted', async () => {
    const s = setup();
    s.connections.create.mockRejectedValue(
      Object.assign(new Error('E11000 duplicate key error index: pairKey_1'), { code: 11000 }),
    );
    expect(await refusal(s.service.send(caller, 'interested', them))).toEqual({
      status: 409,
      message: REQUEST_ERRORS.concurrentSend.message,
    });
    expect(s.emitted()).toBe(0);
  });

  it('any other write failure propagates unchanged, nothing emitted', async () => {
    const s = setup();
    const failure = Object.assign(new Error('connection reset'), { code: 6 });
    s.connections.create.mockRejectedValue(failure);
    await expect(s.service.send(caller, 'interested', them)).rejects.toBe(failure);
    expect(s.emitted()).toBe(0);
  });
});

describe('RequestsService.send: daily swipes', () => {
  const limited = () => {
    const s = setup();
    s.entitlements.forUser.mockResolvedValue({ entitlements: { dailySwipes: 10 } });
    return s;
  };

  it('unlimited plans never touch the counter', async () => {
    const s = setup();
    await s.service.send(caller, 'interested', them);
    expect(s.swipes.reserve).not.toHaveBeenCalled();
  });

  it('a limited plan reserves one swipe and keeps it when the write succeeds', async () => {
    const s = limited();
    await s.service.send(caller, 'ignored', them);
    expect(s.swipes.reserve).toHaveBeenCalledWith(me.toHexString(), 10, expect.any(Date));
    expect(s.swipes.release).not.toHaveBeenCalled();
  });

  it('a failed write releases the reserved swipe', async () => {
    const s = limited();
    s.connections.create.mockRejectedValue(
      Object.assign(new Error('E11000 duplicate key error index: pairKey_1'), { code: 11000 }),
    );
    expect((await refusal(s.service.send(caller, 'interested', them))).status).toBe(409);
    expect(s.swipes.release).toHaveBeenCalledTimes(1);
  });

  it('a rule refusal is decided before counting (nothing reserved)', async () => {
    const s = limited();
    expect((await refusal(s.service.send(caller, 'interested', me))).status).toBe(400);
    expect(s.swipes.reserve).not.toHaveBeenCalled();
  });

  it('over the limit → 429 with the retry fields, limit and remaining, nothing written', async () => {
    const s = limited();
    s.swipes.reserve.mockResolvedValue({
      outcome: 'refused',
      limit: 10,
      resetsAt: new Date(Date.now() + 90 * 60_000),
    });
    const error = (await s.service
      .send(caller, 'interested', them)
      .catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(429);
    expect(error.extra).toMatchObject({ limit: 10, remaining: 0, retryAfter: 90 });
    expect(s.writes()).toBe(0);
  });
});

describe('RequestsService.review', () => {
  it('accepting notifies the sender and tells both sides of each other, after the write', async () => {
    const s = setup();
    s.connections.review.mockResolvedValue(connection('accepted', them, me));
    const view = await s.service.review(caller, 'accepted', requestId);
    expect(s.connections.review).toHaveBeenCalledWith(requestId, me, 'accepted');
    expect(view).toMatchObject({ _id: requestId.toHexString(), status: 'accepted' });
    expect(s.presence.notify).toHaveBeenCalledWith(them.toHexString(), {
      type: 'request_accepted',
      from: 'Ada',
      text: 'accepted your connection request',
      targetUserId: me.toHexString(),
    });
    expect(s.presence.connectionAdded).toHaveBeenCalledWith(them.toHexString(), me.toHexString());
    expect(s.connections.findById).not.toHaveBeenCalled();
  });

  it('rejecting emits nothing', async () => {
    const s = setup();
    s.connections.review.mockResolvedValue(connection('rejected', them, me));
    expect(await s.service.review(caller, 'rejected', requestId)).toMatchObject({
      status: 'rejected',
    });
    expect(s.emitted()).toBe(0);
  });

  it.each<[string, ConnectionRecord | null, number, string]>([
    ['no such request', null, 404, REQUEST_ERRORS.requestNotFound.message],
    [
      'my own pending request',
      connection('interested', me, them),
      403,
      REQUEST_ERRORS.onlyReceiverReviews.message,
    ],
    [
      "someone else's pending request",
      connection('interested', them, stranger),
      403,
      REQUEST_ERRORS.onlyReceiverReviews.message,
    ],
    [
      'already accepted',
      connection('accepted', them, me),
      404,
      REQUEST_ERRORS.requestNotFound.message,
    ],
    [
      'already rejected',
      connection('rejected', them, me),
      404,
      REQUEST_ERRORS.requestNotFound.message,
    ],
    [
      'an ignored swipe',
      connection('ignored', them, me),
      404,
      REQUEST_ERRORS.requestNotFound.message,
    ],
  ])('when the update changes nothing: %s → %i', async (_name, existing, status, message) => {
    const s = setup();
    s.connections.findById.mockResolvedValue(existing);
    for (const decision of ['accepted', 'rejected'] as const) {
      expect(await refusal(s.service.review(caller, decision, requestId))).toEqual({
        status,
        message,
      });
    }
    expect(s.connections.findById).toHaveBeenCalledWith(requestId);
    expect(s.emitted()).toBe(0);
  });
});

describe('RequestsService.withdraw', () => {
  it('deletes my pending request and emits nothing', async () => {
    const s = setup();
    s.connections.withdraw.mockResolvedValue(true);
    await expect(s.service.withdraw(caller, requestId)).resolves.toBeUndefined();
    expect(s.connections.withdraw).toHaveBeenCalledWith(requestId, me);
    expect(s.connections.findById).not.toHaveBeenCalled();
    expect(s.emitted()).toBe(0);
  });

  it.each<[string, ConnectionRecord | null, number, string]>([
    ['no such request', null, 404, REQUEST_ERRORS.requestNotFound.message],
    [
      'a pending request to me',
      connection('interested', them, me),
      403,
      REQUEST_ERRORS.onlySenderWithdraws.message,
    ],
    [
      "someone else's pending request",
      connection('interested', them, stranger),
      403,
      REQUEST_ERRORS.onlySenderWithdraws.message,
    ],
    [
      'my request, already accepted',
      connection('accepted', me, them),
      404,
      REQUEST_ERRORS.requestNotFound.message,
    ],
    [
      'my request, rejected',
      connection('rejected', me, them),
      404,
      REQUEST_ERRORS.requestNotFound.message,
    ],
  ])('when the delete changes nothing: %s → %i', async (_name, existing, status, message) => {
    const s = setup();
    s.connections.findById.mockResolvedValue(existing);
    expect(await refusal(s.service.withdraw(caller, requestId))).toEqual({ status, message });
    expect(s.emitted()).toBe(0);
  });
});

describe('RequestsService.removeConnection', () => {
  it('removes an accepted connection, then tells both sides', async () => {
    const s = setup();
    s.connections.removeAccepted.mockResolvedValue(true);
    await expect(s.service.removeConnection(caller, them)).resolves.toBeUndefined();
    expect(s.connections.removeAccepted).toHaveBeenCalledWith(me, them);
    expect(s.presence.connectionRemoved).toHaveBeenCalledWith(me.toHexString(), them.toHexString());
    expect(s.presence.connectionRemoved.mock.invocationCallOrder[0]).toBeGreaterThan(
      s.connections.removeAccepted.mock.invocationCallOrder[0],
    );
  });

  it('anything else (not connected, pending, rejected, a stranger) → 404, nothing emitted', async () => {
    const s = setup();
    expect(await refusal(s.service.removeConnection(caller, stranger))).toEqual({
      status: 404,
      message: REQUEST_ERRORS.connectionNotFound.message,
    });
    expect(s.emitted()).toBe(0);
  });
});
