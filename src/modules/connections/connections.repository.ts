import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { User } from '../users/user.schema';
import { REQUEST_USER_PROJECTION, UserViewSource } from '../users/user.views';
import {
  Connection,
  ConnectionRecord,
  ConnectionStatus,
  IGNORE_EXPIRY_MS,
  pairKeyOf,
} from './connection.schema';

export interface Page {
  skip: number;
  limit: number;
}

type Populated<K extends 'fromUserId' | 'toUserId'> = Omit<ConnectionRecord, K> & {
  [P in K]: UserViewSource | null;
};

/** The only place that queries `connectionmodels`; every query names the index it uses. */
@Injectable()
export class ConnectionsRepository {
  constructor(@InjectModel(Connection.name) private readonly connections: Model<Connection>) {}

  /** Index: unique `pairKey`. */
  findByPair(a: Types.ObjectId, b: Types.ObjectId): Promise<ConnectionRecord | null> {
    return this.connections
      .findOne({ pairKey: pairKeyOf(a, b) })
      .lean<ConnectionRecord>()
      .exec();
  }

  /** Index: `_id`. */
  findById(id: Types.ObjectId): Promise<ConnectionRecord | null> {
    return this.connections.findById(id).lean<ConnectionRecord>().exec();
  }

  /** Inserts; a concurrent duplicate for the pair fails on the unique `pairKey` index (E11000). */
  async create(fromUserId: Types.ObjectId, toUserId: Types.ObjectId, status: ConnectionStatus) {
    const created = await this.connections.create({ fromUserId, toUserId, status });
    return created.toObject<ConnectionRecord>();
  }

  /** Deletes an `ignored` document only if it is still expired: atomic, so a fresh swipe survives. */
  async deleteIfExpiredIgnore(id: Types.ObjectId, now: Date): Promise<boolean> {
    const result = await this.connections.deleteOne({
      _id: id,
      status: 'ignored',
      createdAt: { $lt: new Date(now.getTime() - IGNORE_EXPIRY_MS) },
    });
    return result.deletedCount === 1;
  }

  /** Atomic review: only a pending request addressed to the reviewer changes. */
  review(id: Types.ObjectId, reviewerId: Types.ObjectId, status: 'accepted' | 'rejected') {
    return this.connections
      .findOneAndUpdate(
        { _id: id, toUserId: reviewerId, status: 'interested' },
        { $set: { status } },
        { new: true },
      )
      .lean<ConnectionRecord>()
      .exec();
  }

  async withdraw(id: Types.ObjectId, senderId: Types.ObjectId): Promise<boolean> {
    const result = await this.connections.deleteOne({
      _id: id,
      fromUserId: senderId,
      status: 'interested',
    });
    return result.deletedCount === 1;
  }

  async removeAccepted(a: Types.ObjectId, b: Types.ObjectId): Promise<boolean> {
    const result = await this.connections.deleteOne({
      pairKey: pairKeyOf(a, b),
      status: 'accepted',
    });
    return result.deletedCount === 1;
  }

  /** Index: `{ toUserId, status, createdAt }`. Newest first, senders populated (null if deleted). */
  received(userId: Types.ObjectId, page: Page) {
    return this.pending('toUserId', 'fromUserId', userId, page);
  }

  /** Index: `{ fromUserId, status, createdAt }`. */
  sent(userId: Types.ObjectId, page: Page) {
    return this.pending('fromUserId', 'toUserId', userId, page);
  }

  /** Pending requests where `mine` is the caller, with the `other` side populated. */
  private pending<K extends 'fromUserId' | 'toUserId'>(
    mine: 'fromUserId' | 'toUserId',
    other: K,
    userId: Types.ObjectId,
    page: Page,
  ) {
    return this.connections
      .find({ [mine]: userId, status: 'interested' }, { [other]: 1, createdAt: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .skip(page.skip)
      .limit(page.limit)
      .populate({ path: other, model: User.name, select: REQUEST_USER_PROJECTION })
      .lean<Populated<K>[]>()
      .exec();
  }

  /**
   * Accepted connections on either side: two indexed queries (`{fromUserId,status,createdAt}` and
   * `{toUserId,status,createdAt}`) merged by date, instead of one `$or` the planner may scan for.
   */
  async acceptedPage(userId: Types.ObjectId, page: Page) {
    const take = page.skip + page.limit;
    const [sent, received] = await Promise.all([
      this.connections
        .find({ fromUserId: userId, status: 'accepted' }, { toUserId: 1, createdAt: 1 })
        .sort({ createdAt: -1 })
        .limit(take)
        .lean<{ _id: Types.ObjectId; toUserId: Types.ObjectId; createdAt: Date }[]>()
        .exec(),
      this.connections
        .find({ toUserId: userId, status: 'accepted' }, { fromUserId: 1, createdAt: 1 })
        .sort({ createdAt: -1 })
        .limit(take)
        .lean<{ _id: Types.ObjectId; fromUserId: Types.ObjectId; createdAt: Date }[]>()
        .exec(),
    ]);
    return [
      ...sent.map((c) => ({ otherId: c.toUserId, createdAt: c.createdAt, _id: c._id })),
      ...received.map((c) => ({ otherId: c.fromUserId, createdAt: c.createdAt, _id: c._id })),
    ]
      .sort(
        (x, y) =>
          y.createdAt.getTime() - x.createdAt.getTime() ||
          String(y._id).localeCompare(String(x._id)),
      )
      .slice(page.skip, take)
      .map((c) => c.otherId);
  }

  /** Ids of everyone the user is connected with (presence fan-out), bounded. */
  async acceptedIds(userId: Types.ObjectId, max = 5000): Promise<Types.ObjectId[]> {
    return this.acceptedPage(userId, { skip: 0, limit: max });
  }

  /**
   * Users the caller may not see in the feed: any document with them, either direction, except
   * `ignored` ones older than 30 days (the same rule the send route applies). One `$or` over the
   * `{fromUserId,…}` and `{toUserId,…}` indexes; the 30-day rule is applied to the few rows read.
   */
  async feedExclusions(userId: Types.ObjectId, now: Date): Promise<Types.ObjectId[]> {
    const ignoredBefore = now.getTime() - IGNORE_EXPIRY_MS;
    const rows = await this.connections
      .find(
        { $or: [{ fromUserId: userId }, { toUserId: userId }] },
        { fromUserId: 1, toUserId: 1, status: 1, createdAt: 1 },
      )
      .lean<Pick<ConnectionRecord, 'fromUserId' | 'toUserId' | 'status' | 'createdAt'>[]>()
      .exec();
    return rows
      .filter((row) => row.status !== 'ignored' || row.createdAt.getTime() >= ignoredBefore)
      .map((row) => (row.fromUserId.equals(userId) ? row.toUserId : row.fromUserId));
  }

  /** Index: `{ status, createdAt }`. Pending requests created in [from, to), counted per receiver. */
  pendingCountsByReceiver(from: Date, to: Date): Promise<{ _id: Types.ObjectId; count: number }[]> {
    return this.connections
      .aggregate<{ _id: Types.ObjectId; count: number }>([
        { $match: { status: 'interested', createdAt: { $gte: from, $lt: to } } },
        { $group: { _id: '$toUserId', count: { $sum: 1 } } },
      ])
      .exec();
  }
}
