import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { SessionCache, SessionState, SESSION_CACHE_TTL_MS } from './session.cache';
import { Session, SessionRecord } from './session.schema';

export interface Rotation {
  generation: number;
  tokenHash: string;
  previousTokenHash: string;
  issuedAt: Date;
  expiresAt: Date;
  rotatedAt: Date;
  lastUsedAt?: Date;
  ipPrefix?: string;
}

/** What the devices list shows of a session. */
export type ListedSession = Pick<
  SessionRecord,
  '_id' | 'userAgent' | 'ipPrefix' | 'createdAt' | 'lastUsedAt'
>;

/** The only place that talks to `sessions`; revocations are mirrored into {@link SessionCache}. */
@Injectable()
export class SessionsRepository {
  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    private readonly cache: SessionCache,
  ) {}

  async create(
    session: Omit<
      Session,
      'previousTokenHash' | 'rotatedAt' | 'revokedAt' | 'revokedReason' | 'ipPrefix' | 'lastUsedAt'
    > &
      Partial<Pick<Session, 'ipPrefix' | 'lastUsedAt'>>,
  ) {
    const created = await this.sessions.create(session);
    return created.toObject<SessionRecord>();
  }

  /** Index: `_id`. Any state; callers decide what revoked or expired means for them. */
  findById(id: Types.ObjectId): Promise<SessionRecord | null> {
    return this.sessions.findById(id).lean<SessionRecord>().exec();
  }

  /**
   * Only a session that is neither revoked nor expired. Runs on every authenticated request:
   * cached in Redis, else one lookup by `_id` (FerretDB pushes down pure `_id` filters only).
   * A cached expiry is re-checked in the database: rotation moves it later.
   */
  async findActive(
    id: Types.ObjectId,
    now: Date,
  ): Promise<Pick<SessionRecord, '_id' | 'userId'> | null> {
    const state = await this.cache.get(id.toHexString(), async () => {
      const session = await this.sessions
        .findById(id, { userId: 1, revokedAt: 1, expiresAt: 1 })
        .lean<Pick<SessionRecord, '_id' | 'userId' | 'revokedAt' | 'expiresAt'>>()
        .exec();
      if (!session) return null;
      return { userId: session.userId, expiresAt: session.expiresAt, revoked: !!session.revokedAt };
    });
    if (!state || state.revoked) return null;
    if (state.expiresAt <= now) {
      const fresh = await this.sessions
        .findById(id, { userId: 1, revokedAt: 1, expiresAt: 1 })
        .lean<Pick<SessionRecord, '_id' | 'userId' | 'revokedAt' | 'expiresAt'>>()
        .exec();
      return fresh && !fresh.revokedAt && fresh.expiresAt > now ? fresh : null;
    }
    return { _id: id, userId: state.userId };
  }

  /**
   * {@link findActive} for many sessions at once (the socket heartbeat): one `MGET` of the cache,
   * one `_id $in` read for the entries missing, and one more for cached expiries already passed
   * (rotation moves them later). Returns the ids of the live ones.
   */
  async activeAmong(ids: Types.ObjectId[], now: Date): Promise<Set<string>> {
    const project = { userId: 1, revokedAt: 1, expiresAt: 1 };
    type Row = Pick<SessionRecord, '_id' | 'userId' | 'revokedAt' | 'expiresAt'>;
    const read = (hexIds: string[]) =>
      this.sessions
        .find({ _id: { $in: hexIds.map((id) => new Types.ObjectId(id)) } }, project)
        .lean<Row[]>()
        .exec();
    const idOfLoaded = new Map<SessionState, string>();
    const states = await this.cache.getMany(
      ids.map((id) => id.toHexString()),
      async (missing) =>
        (await read(missing)).map((row) => {
          const state = { userId: row.userId, expiresAt: row.expiresAt, revoked: !!row.revokedAt };
          idOfLoaded.set(state, row._id.toHexString());
          return state;
        }),
      (state) => idOfLoaded.get(state)!,
    );
    const active = new Set<string>();
    const recheck: string[] = [];
    for (const [id, state] of states) {
      if (state.revoked) continue;
      if (state.expiresAt <= now) recheck.push(id);
      else active.add(id);
    }
    if (recheck.length > 0) {
      for (const fresh of await read(recheck)) {
        if (!fresh.revokedAt && fresh.expiresAt > now) active.add(fresh._id.toHexString());
      }
    }
    return active;
  }

  /**
   * Atomic rotation: succeeds only if nobody rotated or revoked the session since it was read
   * (conditional on generation), so two concurrent refreshes can never both rotate.
   */
  async rotate(id: Types.ObjectId, fromGeneration: number, next: Rotation): Promise<boolean> {
    const result = await this.sessions.updateOne(
      { _id: id, generation: fromGeneration, revokedAt: null },
      { $set: next },
    );
    return result.modifiedCount === 1;
  }

  async revoke(id: Types.ObjectId, reason: string): Promise<void> {
    const session = await this.sessions
      .findOneAndUpdate(
        { _id: id, revokedAt: null },
        { $set: { revokedAt: new Date(), revokedReason: reason } },
        { new: true },
      )
      .lean<SessionRecord>()
      .exec();
    if (session) await this.markRevoked([session]);
  }

  /**
   * Index: `{ userId, revokedAt }`. A user's live sessions, newest first, at most `limit` (the
   * sort is over one user's unrevoked sessions, which the hourly clean-up keeps few).
   */
  listActive(userId: Types.ObjectId, now: Date, limit: number): Promise<ListedSession[]> {
    return this.sessions
      .find(
        { userId, revokedAt: null, expiresAt: { $gt: now } },
        { userAgent: 1, ipPrefix: 1, createdAt: 1, lastUsedAt: 1 },
      )
      .sort({ _id: -1 })
      .limit(limit)
      .lean<ListedSession[]>()
      .exec();
  }

  /**
   * Index: `_id`. Revokes one live session if it is the user's: `false` for anyone else's, an
   * unknown id, or one already revoked or expired. Mirrored into the cache as `revoke` is.
   */
  async revokeOwn(
    id: Types.ObjectId,
    userId: Types.ObjectId,
    reason: string,
    now: Date,
  ): Promise<boolean> {
    const session = await this.sessions
      .findOneAndUpdate(
        { _id: id, userId, revokedAt: null, expiresAt: { $gt: now } },
        { $set: { revokedAt: now, revokedReason: reason } },
        { new: true },
      )
      .lean<SessionRecord>()
      .exec();
    if (session) await this.markRevoked([session]);
    return !!session;
  }

  /** Index: `{ userId, revokedAt }`. Revokes every active session of a user except one. */
  async revokeAllForUser(
    userId: Types.ObjectId,
    reason: string,
    except?: Types.ObjectId,
  ): Promise<number> {
    const filter: Record<string, unknown> = { userId, revokedAt: null };
    if (except) filter._id = { $ne: except };
    const revokedAt = new Date();
    const result = await this.sessions.updateMany(filter, {
      $set: { revokedAt, revokedReason: reason },
    });
    // Read back what this update revoked (it is in the database now, so a session created
    // concurrently is either revoked and found here, or was not matched at all).
    const revoked = await this.sessions
      .find({ userId, revokedAt }, { userId: 1, expiresAt: 1 })
      .lean<Pick<SessionRecord, '_id' | 'userId' | 'expiresAt'>[]>()
      .exec();
    await this.markRevoked(revoked);
    return result.modifiedCount;
  }

  /**
   * Index: `{ userId, revokedAt }` (its prefix). Every session row of a user, live or not, newest
   * first, at most `max` (the data export).
   */
  listForUser(userId: Types.ObjectId, max: number): Promise<SessionRecord[]> {
    return this.sessions
      .find(
        { userId },
        { userAgent: 1, createdAt: 1, expiresAt: 1, revokedAt: 1, revokedReason: 1, userId: 1 },
      )
      .limit(max)
      .lean<SessionRecord[]>()
      .exec()
      .then((rows) => rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()));
  }

  private async markRevoked(sessions: Pick<SessionRecord, '_id' | 'userId' | 'expiresAt'>[]) {
    const now = Date.now();
    await Promise.all(
      sessions.map((session) =>
        this.cache.put(
          session._id.toHexString(),
          { userId: session.userId, expiresAt: session.expiresAt, revoked: true },
          // Once expired the session is refused anyway; never shorter than an active entry.
          Math.max(session.expiresAt.getTime() - now, SESSION_CACHE_TTL_MS),
        ),
      ),
    );
  }

  /** Index: `expiresAt`. Removes sessions that can no longer be used. */
  async deleteExpired(now: Date, revokedBefore: Date): Promise<number> {
    const result = await this.sessions.deleteMany({
      $or: [{ expiresAt: { $lte: now } }, { revokedAt: { $ne: null, $lte: revokedBefore } }],
    });
    return result.deletedCount;
  }
}
