import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { PasswordReset, PasswordResetRecord } from './password-reset.schema';

/** The only place that talks to `password_resets`. */
@Injectable()
export class PasswordResetsRepository {
  constructor(@InjectModel(PasswordReset.name) private readonly resets: Model<PasswordReset>) {}

  async create(reset: Pick<PasswordReset, 'userId' | 'tokenHash' | 'expiresAt'>): Promise<void> {
    await this.resets.create({ ...reset, usedAt: null });
  }

  /**
   * Index: `tokenHash` (unique). One atomic update: of two requests with the same link only one
   * finds it unused, and an expired link never matches (expiry is a condition, not a TTL index).
   */
  consume(tokenHash: string, now: Date): Promise<PasswordResetRecord | null> {
    return this.resets
      .findOneAndUpdate(
        { tokenHash: { $eq: tokenHash }, usedAt: null, expiresAt: { $gt: now } },
        { $set: { usedAt: now } },
        { new: true },
      )
      .lean<PasswordResetRecord>()
      .exec();
  }

  /** Index: `{ userId, usedAt }`. After a reset, the user's other outstanding links stop working. */
  async retireAllForUser(userId: Types.ObjectId, now: Date): Promise<void> {
    await this.resets.updateMany({ userId, usedAt: null }, { $set: { usedAt: now } });
  }

  /** Index: `expiresAt`. Links past their expiry, used or not, serve no purpose. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.resets.deleteMany({ expiresAt: { $lte: now } });
    return result.deletedCount;
  }
}
