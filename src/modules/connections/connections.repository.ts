import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { hiddenFrom } from '../blocks/block.rules';
import { BlocksRepository } from '../blocks/blocks.repository';
import {
  Connection,
  ConnectionRecord,
  ConnectionStatus,
  ignoreExpiryCutoff,
  isExpiredIgnore,
  pairKeyOf,
} from './connection.schema';
import {
  ConnectionGraphCache,
  MAX_CACHED_EDGES,
  type GraphEdge,
  type UserGraph,
} from './connection-graph.cache';
import { FeedExclusionsCache, feedExclusionsOf } from './feed-exclusions.cache';
import { PackedIds } from './packed-ids';

export interface Page {
  skip: number;
  limit: number;
}

/** A pending request as the lists need it: its id and the user on the other side. */
export interface PendingRequest {
  _id: Types.ObjectId;
  otherId: Types.ObjectId;
}

const newestFirst = (x: GraphEdge, y: GraphEdge) =>
  y.createdAt.getTime() - x.createdAt.getTime() ||
  y._id.toHexString().localeCompare(x._id.toHexString());

/**
 * The only place that queries `connectionmodels`; every query names the index it uses. The lists
 * and the feed read a user's whole side of the graph from {@link ConnectionGraphCache}; every write
 * here invalidates both users of the pair after the database write.
 */
export type ExclusionsRemovedListener = (a: Types.ObjectId, b: Types.ObjectId) => Promise<void>;

@Injectable()
export class ConnectionsRepository {
  private readonly exclusionsRemovedListeners: ExclusionsRemovedListener[] = [];

  constructor(
    @InjectModel(Connection.name) private readonly connections: Model<Connection>,
    private readonly graph: ConnectionGraphCache,
    private readonly exclusions: FeedExclusionsCache,
    private readonly blocks: BlocksRepository,
  ) {}

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
    await this.invalidate(fromUserId, toUserId);
    return created.toObject<ConnectionRecord>();
  }

  /** Deletes an `ignored` document only if it is still expired: atomic, so a fresh swipe survives. */
  async deleteIfExpiredIgnore(existing: ConnectionRecord, now: Date): Promise<boolean> {
    const result = await this.connections.deleteOne({
      _id: existing._id,
      status: 'ignored',
      createdAt: { $lt: ignoreExpiryCutoff(now) },
    });
    if (result.deletedCount !== 1) return false;
    await this.invalidate(existing.fromUserId, existing.toUserId, { removed: true });
    return true;
  }

  /** Atomic review: only a pending request addressed to the reviewer changes. */
  async review(id: Types.ObjectId, reviewerId: Types.ObjectId, status: 'accepted' | 'rejected') {
    const updated = await this.connections
      .findOneAndUpdate(
        { _id: id, toUserId: reviewerId, status: 'interested' },
        { $set: { status } },
        { new: true },
      )
      .lean<ConnectionRecord>()
      .exec();
    if (updated) await this.invalidate(updated.fromUserId, updated.toUserId);
    return updated;
  }

  async withdraw(id: Types.ObjectId, senderId: Types.ObjectId): Promise<boolean> {
    const deleted = await this.connections
      .findOneAndDelete({ _id: id, fromUserId: senderId, status: 'interested' })
      .lean<ConnectionRecord>()
      .exec();
    if (!deleted) return false;
    await this.invalidate(deleted.fromUserId, deleted.toUserId, { removed: true });
    return true;
  }

  async removeAccepted(a: Types.ObjectId, b: Types.ObjectId): Promise<boolean> {
    const result = await this.connections.deleteOne({
      pairKey: pairKeyOf(a, b),
      status: 'accepted',
    });
    if (result.deletedCount !== 1) return false;
    await this.invalidate(a, b, { removed: true });
    return true;
  }

  /**
   * A block between the two: their pending request or accepted connection (whichever direction)
   * is deleted. `ignored` and `rejected` documents stay: they keep meaning what they meant once
   * the block is lifted. Returns the deleted document, if any.
   *
   * Read by the unique `pairKey`, then deleted by `_id` only if its status is still the one read
   * (an accept in between: read again). Not one `findOneAndDelete` with `status: { $in }`:
   * DocumentDB's `find_and_modify` crashed its server process on that (FerretDB v2.7.0).
   */
  async removeForBlock(a: Types.ObjectId, b: Types.ObjectId): Promise<ConnectionRecord | null> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const existing = await this.findByPair(a, b);
      if (!existing || (existing.status !== 'interested' && existing.status !== 'accepted')) {
        return null;
      }
      const result = await this.connections
        .deleteOne({ _id: existing._id, status: existing.status })
        .exec();
      if (result.deletedCount === 1) {
        await this.invalidate(a, b, { removed: true });
        return existing;
      }
    }
    return null;
  }

  /**
   * The pair's blocks changed (after the `blocks` write): both feeds' exclusions are rebuilt on
   * their next page. A block only adds exclusions, which a stored deck honours when it is served;
   * a lifted one (`lifted`) also retires the decks built without the pair.
   */
  async blocksChanged(a: Types.ObjectId, b: Types.ObjectId, { lifted = false } = {}) {
    await Promise.all([
      this.exclusions.invalidate(a.toHexString(), b.toHexString()),
      ...(lifted ? this.exclusionsRemovedListeners.map((listener) => listener(a, b)) : []),
    ]);
  }

  /**
   * `listener(a, b)` runs after every write that deletes the pair's document, so each may see the
   * other in their feed again; the write returns once it has.
   */
  onExclusionsRemoved(listener: ExclusionsRemovedListener): void {
    this.exclusionsRemovedListeners.push(listener);
  }

  private async invalidate(a: Types.ObjectId, b: Types.ObjectId, { removed = false } = {}) {
    await Promise.all([
      this.graph.invalidate(a.toHexString(), b.toHexString()),
      this.exclusions.invalidate(a.toHexString(), b.toHexString()),
      ...(removed ? this.exclusionsRemovedListeners.map((listener) => listener(a, b)) : []),
    ]);
  }

  /**
   * The user's side of the graph, newest first: cached, else one `$or` over the
   * `{fromUserId,…}` and `{toUserId,…}` indexes (sorted here: a sort would defeat the `$or`).
   */
  private async graphOf(userId: Types.ObjectId): Promise<UserGraph> {
    const graph = await this.graph.get(userId.toHexString(), async () => {
      const rows = await this.connections
        .find(
          { $or: [{ fromUserId: userId }, { toUserId: userId }] },
          { fromUserId: 1, toUserId: 1, status: 1, createdAt: 1 },
        )
        .limit(MAX_CACHED_EDGES + 1)
        .lean<
          Pick<ConnectionRecord, '_id' | 'fromUserId' | 'toUserId' | 'status' | 'createdAt'>[]
        >()
        .exec();
      if (rows.length > MAX_CACHED_EDGES) return { complete: false, edges: [] };
      const edges = rows.map((row): GraphEdge => {
        const outgoing = row.fromUserId.equals(userId);
        return {
          _id: row._id,
          otherId: outgoing ? row.toUserId : row.fromUserId,
          status: row.status,
          outgoing,
          createdAt: row.createdAt,
        };
      });
      return { complete: true, edges: edges.sort(newestFirst) };
    });
    return graph ?? { complete: true, edges: [] };
  }

  /** Pending requests to the user, newest first. Graph, else index `{ toUserId, status, createdAt }`. */
  async received(userId: Types.ObjectId, page: Page): Promise<PendingRequest[]> {
    const graph = await this.graphOf(userId);
    if (!graph.complete) return this.pending('toUserId', 'fromUserId', userId, page);
    return this.window(graph, page, (edge) => !edge.outgoing && edge.status === 'interested');
  }

  /** Pending requests from the user, newest first. Graph, else `{ fromUserId, status, createdAt }`. */
  async sent(userId: Types.ObjectId, page: Page): Promise<PendingRequest[]> {
    const graph = await this.graphOf(userId);
    if (!graph.complete) return this.pending('fromUserId', 'toUserId', userId, page);
    return this.window(graph, page, (edge) => edge.outgoing && edge.status === 'interested');
  }

  private window(graph: UserGraph, page: Page, keep: (edge: GraphEdge) => boolean) {
    return graph.edges
      .filter(keep)
      .slice(page.skip, page.skip + page.limit)
      .map((edge) => ({ _id: edge._id, otherId: edge.otherId }));
  }

  /** Pending requests where `mine` is the caller; `otherId` is the other side (not populated). */
  private async pending(
    mine: 'fromUserId' | 'toUserId',
    other: 'fromUserId' | 'toUserId',
    userId: Types.ObjectId,
    page: Page,
  ): Promise<PendingRequest[]> {
    const rows = await this.connections
      .find({ [mine]: userId, status: 'interested' }, { [other]: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .skip(page.skip)
      .limit(page.limit)
      .lean<(Pick<ConnectionRecord, '_id'> & Partial<ConnectionRecord>)[]>()
      .exec();
    return rows.map((row) => ({ _id: row._id, otherId: row[other] as Types.ObjectId }));
  }

  /**
   * Accepted connections on either side, newest first: from the graph, else two indexed queries
   * (`{fromUserId,status,createdAt}` and `{toUserId,status,createdAt}`) merged by date.
   */
  async acceptedPage(userId: Types.ObjectId, page: Page): Promise<Types.ObjectId[]> {
    const graph = await this.graphOf(userId);
    if (graph.complete) {
      return this.window(graph, page, (edge) => edge.status === 'accepted').map((e) => e.otherId);
    }
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
   * Who the user's feed leaves out at `now`: everyone they interacted with, but ignores
   * older than 30 days, and everyone blocked by or blocking them. From
   * {@link FeedExclusionsCache}, else the graph and the blocks; a user with more edges than the
   * graph caches reads the `{fromUserId,…}` and `{toUserId,…}` indexes.
   */
  async feedExclusions(userId: Types.ObjectId, now: Date): Promise<PackedIds> {
    const key = userId.toHexString();
    const hidden = async () => hiddenFrom(await this.blocks.of(userId));
    const fromGraph = async () => {
      const [graph, blocked] = await Promise.all([this.graphOf(userId), hidden()]);
      return graph.complete ? feedExclusionsOf(graph.edges, now, blocked) : null;
    };
    // `null` only when the graph is too large to cache; an entry past `validUntil` is recomputed.
    const cached = await this.exclusions.get(key, fromGraph);
    const current = cached && cached.validUntil <= now.getTime() ? await fromGraph() : cached;
    if (current) return current.ids;
    const [rows, blocked] = await Promise.all([
      this.connections
        .find(
          { $or: [{ fromUserId: userId }, { toUserId: userId }] },
          { fromUserId: 1, toUserId: 1, status: 1, createdAt: 1 },
        )
        .lean<Pick<ConnectionRecord, 'fromUserId' | 'toUserId' | 'status' | 'createdAt'>[]>()
        .exec(),
      hidden(),
    ]);
    return PackedIds.of([
      ...blocked,
      ...rows
        .filter((row) => !isExpiredIgnore(row, now))
        .map((row) => (row.fromUserId.equals(userId) ? row.toUserId : row.fromUserId)),
    ]);
  }

  /**
   * Every request and connection of the user, both directions, at most `max` (the data export).
   * One `$or` over the `{fromUserId,…}` and `{toUserId,…}` indexes.
   */
  allOf(userId: Types.ObjectId, max: number): Promise<ConnectionRecord[]> {
    return this.connections
      .find({ $or: [{ fromUserId: userId }, { toUserId: userId }] })
      .limit(max)
      .lean<ConnectionRecord[]>()
      .exec();
  }

  /**
   * Deletes every request, swipe and connection of the user, both directions (account deletion),
   * in batches: each batch is deleted, then both users of each pair are invalidated as any
   * removal does (graph, feed exclusions, decks), so the other users' lists and feeds stop
   * showing the user at once. If the process dies between a batch's delete and its invalidations,
   * those entries expire by their TTL; running this again deletes whatever is left. Returns the
   * other side of the accepted connections removed. Index: as {@link allOf}.
   */
  async removeAllOf(userId: Types.ObjectId, batch = 100): Promise<Types.ObjectId[]> {
    const accepted: Types.ObjectId[] = [];
    for (;;) {
      const rows = await this.connections
        .find(
          { $or: [{ fromUserId: userId }, { toUserId: userId }] },
          { fromUserId: 1, toUserId: 1, status: 1 },
        )
        .limit(batch)
        .lean<Pick<ConnectionRecord, '_id' | 'fromUserId' | 'toUserId' | 'status'>[]>()
        .exec();
      if (rows.length === 0) return accepted;
      await this.connections.deleteMany({ _id: { $in: rows.map((row) => row._id) } });
      await Promise.all(
        rows.map((row) => this.invalidate(row.fromUserId, row.toUserId, { removed: true })),
      );
      for (const row of rows) {
        if (row.status !== 'accepted') continue;
        accepted.push(row.fromUserId.equals(userId) ? row.toUserId : row.fromUserId);
      }
    }
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
