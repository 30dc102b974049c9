import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { PROFILE_USER_PROJECTION } from './user.views';
import { User, UserRecord } from './user.schema';

/** Secrets never read outside the auth paths that need them. */
const PRIVATE_FIELDS = { password: 0, emailVerifyToken: 0, emailVerifyExpiry: 0 } as const;

/**
 * FerretDB 1.24 does not implement projections on findAndModify, so updates return the whole
 * document and we drop the secrets here, before anything else sees it.
 */
function withoutSecrets(user: UserRecord | null): UserRecord | null {
  if (!user) return null;
  const { password, emailVerifyToken, emailVerifyExpiry, ...rest } = user;
  return rest as UserRecord;
}

export type NewUser = Pick<User, 'firstName' | 'emailId' | 'password'> &
  Partial<Pick<User, 'lastName' | 'emailVerifyToken' | 'emailVerifyExpiry'>>;

/** The only place that talks to the `users` collection. Reads are lean plain objects. */
@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  async create(user: NewUser): Promise<UserRecord> {
    const created = await this.users.create(user);
    return created.toObject<UserRecord>();
  }

  /** Index: unique `emailId`. Includes the password hash (login only). */
  findByEmailWithSecrets(emailId: string): Promise<UserRecord | null> {
    return this.users
      .findOne({ emailId: { $eq: emailId } })
      .lean<UserRecord>()
      .exec();
  }

  /** Index: `_id`. */
  findById(id: Types.ObjectId | string): Promise<UserRecord | null> {
    return this.users.findById(id, PRIVATE_FIELDS).lean<UserRecord>().exec();
  }

  /** Index: `_id`. Includes the password hash (password change only). */
  findByIdWithPassword(id: Types.ObjectId | string): Promise<UserRecord | null> {
    return this.users.findById(id).lean<UserRecord>().exec();
  }

  /** Index: `_id`. Only the fields other users may see. */
  findProfileById(id: Types.ObjectId | string) {
    return this.users
      .findById(id, PROFILE_USER_PROJECTION)
      .lean<Pick<UserRecord, '_id' | keyof typeof PROFILE_USER_PROJECTION>>()
      .exec();
  }

  /** Replaces the verification token of an unverified user; false if verified or gone. */
  async setVerifyToken(id: Types.ObjectId, tokenHash: string, expiry: Date): Promise<boolean> {
    const result = await this.users.updateOne(
      { _id: id, emailVerified: false },
      { $set: { emailVerifyToken: tokenHash, emailVerifyExpiry: expiry } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Index: `emailVerifyToken`. One atomic update: a second click on the same link finds nothing,
   * and an expired token never verifies (expiry is a query condition, not a TTL index).
   */
  async verifyEmail(tokenHash: string, now: Date): Promise<UserRecord | null> {
    const user = await this.users
      .findOneAndUpdate(
        { emailVerifyToken: { $eq: tokenHash }, emailVerifyExpiry: { $gt: now } },
        { $set: { emailVerified: true }, $unset: { emailVerifyToken: 1, emailVerifyExpiry: 1 } },
        { new: true },
      )
      .lean<UserRecord>()
      .exec();
    return withoutSecrets(user);
  }

  async updateProfile(
    id: Types.ObjectId,
    set: Partial<User>,
    unset: (keyof User)[],
  ): Promise<UserRecord | null> {
    const update: Record<string, unknown> = {};
    if (Object.keys(set).length > 0) update.$set = set;
    if (unset.length > 0) update.$unset = Object.fromEntries(unset.map((key) => [key, 1]));
    if (Object.keys(update).length === 0) return this.findById(id);
    const user = await this.users
      .findByIdAndUpdate(id, update, { new: true, runValidators: true })
      .lean<UserRecord>()
      .exec();
    return withoutSecrets(user);
  }

  /** Both updates go through {@link updateFields}: FerretDB returns whole documents. */
  updatePasswordHash(id: Types.ObjectId, passwordHash: string): Promise<UserRecord | null> {
    return this.updateFields(id, { password: passwordHash });
  }

  completeOnboarding(id: Types.ObjectId): Promise<UserRecord | null> {
    return this.updateFields(id, { onboardingComplete: true });
  }

  private async updateFields(id: Types.ObjectId, set: Partial<User>): Promise<UserRecord | null> {
    const user = await this.users
      .findByIdAndUpdate(id, { $set: set }, { new: true })
      .lean<UserRecord>()
      .exec();
    return withoutSecrets(user);
  }
}
