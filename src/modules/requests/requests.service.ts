import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { retryOnWriteConflict } from '../../common/database/write-conflict';
import { AppError, appError } from '../../common/errors/app-error';
import { retryAfterFields } from '../../common/throttling/rate-limit-response';
import type { PageInfo } from '../../common/pagination/page-query.dto';
import type { ConnectionRecord } from '../connections/connection.schema';
import { ConnectionsRepository, type PendingRequest } from '../connections/connections.repository';
import { requestRefusal } from '../blocks/block.rules';
import { BlocksRepository } from '../blocks/blocks.repository';
import { EntitlementsService } from '../membership/entitlements.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PresenceService } from '../presence/presence.service';
import { SafeUserView, toRequestView, toSafeView } from '../users/user.views';
import { UsersRepository } from '../users/users.repository';
import {
  decideSend,
  type SendDecision,
  reviewRefusal,
  sendToSelfRefusal,
  withdrawRefusal,
} from './request-rules';
import { REQUEST_ERRORS } from './requests.errors';
import { SwipeClock, SwipeCounter, type SwipeReservation } from '../membership/swipe-counter';

export const SEND_STATUSES = ['interested', 'ignored'] as const;
export const REVIEW_STATUSES = ['accepted', 'rejected'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface PageRequest {
  page: number;
  limit: number;
}

/** A connection document as the contract shows it: stored fields, ids and dates as strings. */
export function toConnectionView(connection: ConnectionRecord) {
  return {
    _id: connection._id.toHexString(),
    pairKey: connection.pairKey,
    fromUserId: connection.fromUserId.toHexString(),
    toUserId: connection.toUserId.toHexString(),
    status: connection.status,
    createdAt: connection.createdAt.toISOString(),
    updatedAt: connection.updatedAt.toISOString(),
    __v: connection.__v ?? 0,
  };
}

@Injectable()
export class RequestsService {
  private readonly logger = new Logger(RequestsService.name);

  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly users: UsersRepository,
    private readonly presence: PresenceService,
    private readonly entitlements: EntitlementsService,
    private readonly swipes: SwipeCounter,
    private readonly clock: SwipeClock,
    private readonly notifications: NotificationsService,
    private readonly blocks: BlocksRepository,
  ) {}

  /**
   * Rules (`request-rules.ts`): one document per pair in either direction (unique `pairKey`). An
   * `ignored` swipe older than 30 days is deleted and replaced; anything else blocks a new
   * request. A `rejected` request blocks the pair permanently for both sides (only an accepted
   * connection can be removed). Notifies only after the insert succeeded.
   *
   * Daily swipes (plan `dailySwipes`, FREE 10): after the rules pass, one swipe is reserved in
   * {@link SwipeCounter} (atomic, shared by instances); if the write then fails it is released, so
   * only successful sends count. Over the limit: 429 with the retry fields, `limit`, `remaining`.
   *
   * A block between the two, either way, answers as an unknown user (404): nothing is revealed.
   */
  async send(caller: AuthenticatedUser, status: SendStatus, toUserId: Types.ObjectId) {
    const toSelf = sendToSelfRefusal(caller.userId, toUserId);
    if (toSelf) throw appError(REQUEST_ERRORS[toSelf]);
    const [target, block] = await Promise.all([
      this.users.findById(toUserId),
      this.blocks.between(caller.userId, toUserId),
    ]);
    if (!target) throw appError(REQUEST_ERRORS.userNotFound);
    const blocked = requestRefusal(block);
    if (blocked) throw appError(REQUEST_ERRORS[blocked]);
    const now = this.clock.now();
    const existing = await this.connections.findByPair(caller.userId, toUserId);
    const decision = decideSend(existing, now);
    if (decision.outcome === 'refuse') throw appError(REQUEST_ERRORS[decision.error]);
    const reservation = await this.reserveSwipe(caller.userId, now);
    try {
      return await this.write(caller, status, toUserId, decision, now);
    } catch (error) {
      await this.swipes.release(reservation);
      throw error;
    }
  }

  /** Counts one swipe against the caller's plan; throws the 429 when today's are used up. */
  private async reserveSwipe(userId: Types.ObjectId, now: Date): Promise<SwipeReservation | null> {
    const { entitlements } = await this.entitlements.forUser(userId, now);
    if (entitlements.dailySwipes === null) return null;
    const reservation = await this.swipes.reserve(
      userId.toHexString(),
      entitlements.dailySwipes,
      now,
    );
    if (reservation.outcome === 'refused') {
      const seconds = Math.max(
        1,
        Math.ceil((reservation.resetsAt.getTime() - now.getTime()) / 1000),
      );
      const retry = retryAfterFields(seconds, now.getTime());
      const entry = REQUEST_ERRORS.dailySwipeLimit;
      throw new AppError(entry, entry.message(reservation.limit, retry.retryAfter), {
        ...retry,
        limit: reservation.limit,
        remaining: 0,
      });
    }
    return reservation;
  }

  private async write(
    caller: AuthenticatedUser,
    status: SendStatus,
    toUserId: Types.ObjectId,
    decision: SendDecision<ConnectionRecord>,
    now: Date,
  ) {
    if (
      decision.outcome === 'replaceExpiredIgnore' &&
      // Someone swiped again since the read: the fresh document stays and blocks this send.
      !(await this.connections.deleteIfExpiredIgnore(decision.expired, now))
    ) {
      throw appError(REQUEST_ERRORS.alreadyExists);
    }
    let created: ConnectionRecord;
    try {
      // Two sends of one pair at once: one meets the other's key (or, on DocumentDB, may lose a
      // deadlock to it and meets the key when it tries again).
      created = await retryOnWriteConflict(() =>
        this.connections.create(caller.userId, toUserId, status),
      );
    } catch (error) {
      if (isDuplicateKeyError(error)) throw appError(REQUEST_ERRORS.concurrentSend);
      throw error;
    }
    // A block made between the check above and this insert has already deleted what it found:
    // this request must go too, or it would outlive the block.
    if (requestRefusal(await this.blocks.between(caller.userId, toUserId))) {
      await this.connections.removeForBlock(caller.userId, toUserId);
      throw appError(REQUEST_ERRORS.userNotFound);
    }
    if (status === 'interested') {
      this.notifications.notify(toUserId.toHexString(), {
        type: 'request',
        from: caller.user.firstName,
        text: 'sent you a connection request',
        targetUserId: caller.userId.toHexString(),
      });
    }
    this.logger.log({ msg: 'Request sent', connectionId: created._id.toHexString(), status });
    return toConnectionView(created);
  }

  /** Atomic: only a pending request addressed to the caller changes; notifies after the write. */
  async review(caller: AuthenticatedUser, status: ReviewStatus, requestId: Types.ObjectId) {
    const updated = await this.connections.review(requestId, caller.userId, status);
    if (!updated) {
      const existing = await this.connections.findById(requestId);
      throw appError(REQUEST_ERRORS[reviewRefusal(existing, caller.userId)]);
    }
    if (status === 'accepted') {
      this.notifications.notify(updated.fromUserId.toHexString(), {
        type: 'request_accepted',
        from: caller.user.firstName,
        text: 'accepted your connection request',
        targetUserId: caller.userId.toHexString(),
      });
      this.presence.connectionAdded(updated.fromUserId.toHexString(), caller.userId.toHexString());
    }
    return toConnectionView(updated);
  }

  /** Atomic: only a pending request sent by the caller is deleted. */
  async withdraw(caller: AuthenticatedUser, requestId: Types.ObjectId): Promise<void> {
    if (await this.connections.withdraw(requestId, caller.userId)) return;
    const existing = await this.connections.findById(requestId);
    throw appError(REQUEST_ERRORS[withdrawRefusal(existing, caller.userId)]);
  }

  /**
   * Only an accepted connection is removed, and only a participant can name the pair, so anything
   * else (a stranger, a pending or rejected request, no document) is the same 404.
   */
  async removeConnection(caller: AuthenticatedUser, otherUserId: Types.ObjectId): Promise<void> {
    if (!(await this.connections.removeAccepted(caller.userId, otherUserId))) {
      throw appError(REQUEST_ERRORS.connectionNotFound);
    }
    this.presence.connectionRemoved(caller.userId.toHexString(), otherUserId.toHexString());
  }

  async received(userId: Types.ObjectId, page: PageRequest) {
    const rows = await this.connections.received(userId, this.window(page));
    const data = (await this.withUsers(rows)).map(({ _id, user }) => ({
      _id,
      fromUserId: toRequestView(user),
    }));
    return { data, pagination: this.pageInfo(page, rows.length) };
  }

  async sent(userId: Types.ObjectId, page: PageRequest) {
    const rows = await this.connections.sent(userId, this.window(page));
    const data = (await this.withUsers(rows)).map(({ _id, user }) => ({
      _id,
      toUserId: toRequestView(user),
    }));
    return { data, pagination: this.pageInfo(page, rows.length) };
  }

  async connectionsOf(userId: Types.ObjectId, page: PageRequest) {
    const ids = await this.connections.acceptedPage(userId, this.window(page));
    const users = await this.users.findManyByIds(ids);
    const now = new Date();
    const data: SafeUserView[] = users.map((user) => toSafeView(user, now));
    return { data, pagination: this.pageInfo(page, ids.length) };
  }

  /** Each request with the user on the other side; requests of deleted users are skipped. */
  private async withUsers(rows: PendingRequest[]) {
    const users = await this.users.findManyByIds(rows.map((row) => row.otherId));
    const byId = new Map(users.map((user) => [user._id.toHexString(), user]));
    return rows.flatMap((row) => {
      const user = byId.get(row.otherId.toHexString());
      return user ? [{ _id: row._id.toHexString(), user }] : [];
    });
  }

  private window(page: PageRequest) {
    return { skip: (page.page - 1) * page.limit, limit: page.limit };
  }

  private pageInfo(page: PageRequest, rows: number): PageInfo {
    return { page: page.page, limit: page.limit, hasMore: rows === page.limit };
  }
}
