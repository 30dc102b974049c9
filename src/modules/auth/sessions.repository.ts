import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Session, SessionRecord } from './session.schema';

export interface Rotation {
  generation: number;
  tokenHash: string;
  previousTokenHash: string;
  issuedAt: Date;
  expiresAt: Date;
  rotatedAt: Date;
}

@Injectable()
export class SessionsRepository {
  constructor(@InjectModel(Session.name) private readonly sessions: Model<Session>) {}

  async create(
    session: Omit<Session, 'previousTokenHash' | 'rotatedAt' | 'revokedAt' | 'revokedReason'>,
  ) {
    const created = await this.sessions.create(session);
    return created.toObject<SessionRecord>();
  }

  /** Index: `_id`. Any state; callers decide what revoked or expired means for them. */
  findById(id: Types.ObjectId): Promise<SessionRecord | null> {
    return this.sessions.findById(id).lean<SessionRecord>().exec();
  }

  /**
   * Index: `_id`. Only a session that is neither revoked nor expired. The lookup is by `_id` alone
   * and the state is checked here: FerretDB only pushes down pure `_id` filters, and this runs on
   * every authenticated request.
   */
  async findActive(
    id: Types.ObjectId,
    now: Date,
  ): Promise<Pick<SessionRecord, '_id' | 'userId'> | null> {
    const session = await this.sessions
      .findById(id, { userId: 1, revokedAt: 1, expiresAt: 1 })
      .lean<Pick<SessionRecord, '_id' | 'userId' | 'revokedAt' | 'expiresAt'>>()
      .exec();
    return session && !session.revokedAt && session.expiresAt > now ? session : null;
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
    await this.sessions.updateOne(
      { _id: id, revokedAt: null },
      { $set: { revokedAt: new Date(), revokedReason: reason } },
    );
  }

  /** Index: `{ userId, revokedAt }`. Revokes every active session of a user except one. */
  async revokeAllForUser(
    userId: Types.ObjectId,
    reason: string,
    except?: Types.ObjectId,
  ): Promise<number> {
    const filter: Record<string, unknown> = { userId, revokedAt: null };
    if (except) filter._id = { $ne: except };
    const result = await this.sessions.updateMany(filter, {
      $set: { revokedAt: new Date(), revokedReason: reason },
    });
    return result.modifiedCount;
  }

  /** Index: `expiresAt`. Removes sessions that can no longer be used. */
  async deleteExpired(now: Date, revokedBefore: Date): Promise<number> {
    const result = await this.sessions.deleteMany({
      $or: [{ expiresAt: { $lte: now } }, { revokedAt: { $ne: null, $lte: revokedBefore } }],
    });
    return result.deletedCount;
  }
}
