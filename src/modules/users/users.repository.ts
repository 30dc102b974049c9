import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import {
  FEED_TIER_MEMBERS_HORIZON_MS,
  FeedTierMembersCache,
  MAX_LISTED_TIER_MEMBERS,
} from './feed-tier-members.cache';
import { type FeedTier, LAST_FEED_TIER, type TierFields, type TierMembers } from './feed-tiers';
import { SAFE_USER_PROJECTION, UserViewSource } from './user.views';
import { User, UserRecord } from './user.schema';
import { UserCache } from './user.cache';
import type {
  NotificationPreferences,
  StoredNotificationPreferences,
} from '../notifications/email-preferences';

/** Secrets never read outside the auth paths that need them. */
const PRIVATE_FIELDS = {
  password: 0,
  emailVerifyToken: 0,
  emailVerifyExpiry: 0,
  appliedPayments: 0,
} as const;

/**
 * FerretDB 1.24 does not implement projections on findAndModify, so updates return the whole
 * document and we drop the secrets here, before anything else sees it.
 */
function withoutSecrets(user: UserRecord | null): UserRecord | null {
  if (!user) return null;
  const { password, emailVerifyToken, emailVerifyExpiry, appliedPayments, ...rest } = user;
  return rest as UserRecord;
}

export interface FeedFilter {
  /** Users never returned; with `afterId`, only those after it can matter (the feed sends just those). */
  excludeIds: Types.ObjectId[];
  skillsKey?: string[];
  /** Cursor: only users after this id. */
  afterId?: Types.ObjectId | null;
  /** One tier of the feed walk (see feed-paging.ts), evaluated at `asOf`; absent: every tier. */
  tier?: { tier: FeedTier; asOf: Date };
}

/** Tier 0: a boost running at `asOf`. */
const boostedAt = (asOf: Date) => ({ boostedAt: { $lte: asOf }, boostedUntil: { $gt: asOf } });
/**
 * Tier 1: a plan with feed priority (ELITE) in force at `asOf`. `feedPriorityUntil` is written by
 * every ELITE grant and never cleared by the expiry downgrade, so the answer for a past `asOf`
 * stays what it was then.
 */
const eliteAt = (asOf: Date) => ({ feedPriorityUntil: { $gt: asOf } });

/** Each tier's condition and the index its page walks (tiers 0 and 1 are small: sorted in memory). */
const FEED_TIER_QUERIES: Record<
  FeedTier,
  { where: (asOf: Date) => Record<string, unknown>; index: Record<string, 1> }
> = {
  0: { where: boostedAt, index: { boostedUntil: 1 } },
  1: {
    where: (asOf) => ({ ...eliteAt(asOf), $nor: [boostedAt(asOf)] }),
    index: { feedPriorityUntil: 1 },
  },
  2: { where: (asOf) => ({ $nor: [boostedAt(asOf), eliteAt(asOf)] }), index: { _id: 1 } },
};

export type NewUser = Pick<User, 'firstName' | 'emailId' | 'password'> &
  Partial<Pick<User, 'lastName' | 'emailVerifyToken' | 'emailVerifyExpiry'>>;

/**
 * The only place that talks to the `users` collection. Reads are lean plain objects. Every write
 * invalidates the user's cache entry ({@link UserCache}) after the database write.
 */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly cache: UserCache,
    private readonly tierMembers: FeedTierMembersCache,
  ) {}

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

  /** Cached (Redis), else index `_id`. Runs on every authenticated request. */
  findById(id: Types.ObjectId | string): Promise<UserRecord | null> {
    return this.cache.get(String(id), () =>
      this.users.findById(id, PRIVATE_FIELDS).lean<UserRecord>().exec(),
    );
  }

  /** Index: `_id`. Includes the password hash (password change only). */
  findByIdWithPassword(id: Types.ObjectId | string): Promise<UserRecord | null> {
    return this.users.findById(id).lean<UserRecord>().exec();
  }

  /** Replaces the verification token of an unverified user; false if verified or gone. */
  async setVerifyToken(id: Types.ObjectId, tokenHash: string, expiry: Date): Promise<boolean> {
    const result = await this.users.updateOne(
      { _id: id, emailVerified: false },
      { $set: { emailVerifyToken: tokenHash, emailVerifyExpiry: expiry } },
    );
    await this.cache.invalidate(id.toHexString());
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
    if (user) await this.cache.invalidate(user._id.toHexString());
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
    await this.cache.invalidate(id.toHexString());
    return withoutSecrets(user);
  }

  /**
   * Feed candidates: verified, onboarded, not excluded, optionally sharing a skill, in `_id`
   * order (stable paging). Walks the `_id` index in order and stops after `skip + limit`
   * matches, so a page costs the same at any collection size. The hint matters: planners
   * otherwise pick `{ emailVerified, onboardingComplete, _id }` and sort every candidate.
   */
  feedPage(filter: FeedFilter, skip: number, limit: number): Promise<UserViewSource[]> {
    return this.users
      .find(this.feedQuery(filter), SAFE_USER_PROJECTION)
      .sort({ _id: 1 })
      .hint(FEED_TIER_QUERIES[filter.tier?.tier ?? LAST_FEED_TIER].index)
      .skip(skip)
      .limit(limit)
      .lean<UserViewSource[]>()
      .exec();
  }

  /**
   * Who may be in feed tiers 0 and 1 (see {@link TierMembers}): cached for the deployment, else
   * one query on each of the `boostedUntil` and `feedPriorityUntil` indexes. `null`: unknown.
   */
  async feedTierMembers(now: Date): Promise<TierMembers | null> {
    return this.tierMembers.read(async () => {
      const since = new Date(now.getTime() - FEED_TIER_MEMBERS_HORIZON_MS);
      const fields = { _id: 0, boostedAt: 1, boostedUntil: 1, feedPriorityUntil: 1 };
      const endingAfter = (field: 'boostedUntil' | 'feedPriorityUntil') =>
        this.users
          .find({ [field]: { $gt: since } }, fields)
          .hint({ [field]: 1 })
          .limit(MAX_LISTED_TIER_MEMBERS + 1)
          .lean<TierFields[]>()
          .exec();
      const [boosted, priority] = await Promise.all([
        endingAfter('boostedUntil'),
        endingAfter('feedPriorityUntil'),
      ]);
      const complete =
        boosted.length <= MAX_LISTED_TIER_MEMBERS && priority.length <= MAX_LISTED_TIER_MEMBERS;
      return { since, complete, members: complete ? [...boosted, ...priority] : [] };
    });
  }

  /** Index: `{ emailVerified, onboardingComplete, _id }` (and `skillsKey`); grows with the data. */
  countFeed(filter: FeedFilter): Promise<number> {
    return this.users.countDocuments(this.feedQuery(filter)).exec();
  }

  /** Index: `_id`. How many of `ids` the feed admits under `skillsKey`: a lookup per id. */
  countFeedCandidatesAmong(ids: Types.ObjectId[], skillsKey?: string[]): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    const query: Record<string, unknown> = {
      emailVerified: true,
      onboardingComplete: true,
      _id: { $in: ids },
    };
    if (skillsKey && skillsKey.length > 0) query.skillsKey = { $in: skillsKey };
    return this.users.countDocuments(query).exec();
  }

  private feedQuery({ excludeIds, skillsKey, afterId, tier }: FeedFilter) {
    const idFilter: Record<string, unknown> = {};
    if (excludeIds.length > 0) idFilter.$nin = excludeIds;
    if (afterId) idFilter.$gt = afterId;
    const query: Record<string, unknown> = {
      ...(tier ? FEED_TIER_QUERIES[tier.tier].where(tier.asOf) : {}),
      emailVerified: true,
      onboardingComplete: true,
    };
    if (idFilter.$nin || idFilter.$gt) query._id = idFilter;
    if (skillsKey && skillsKey.length > 0) query.skillsKey = { $in: skillsKey };
    return query;
  }

  /**
   * Index: `_id`. Starts an ELITE profile boost (`boostedAt` = now, until `until`) in one
   * conditional update, only if no boost started after `cooldownFrom` (once per 7 days, however
   * many requests race). Returns the user as stored after the boost, or `null` if refused.
   */
  async startBoost(
    id: Types.ObjectId,
    now: Date,
    until: Date,
    cooldownFrom: Date,
  ): Promise<UserRecord | null> {
    const user = await this.users
      .findOneAndUpdate(
        {
          _id: id,
          $or: [
            { boostedAt: { $exists: false } },
            { boostedAt: null },
            { boostedAt: { $lte: cooldownFrom } },
          ],
        },
        { $set: { boostedAt: now, boostedUntil: until } },
        { new: true },
      )
      .lean<UserRecord>()
      .exec();
    if (user)
      await Promise.all([this.cache.invalidate(id.toHexString()), this.tierMembers.changed()]);
    return withoutSecrets(user);
  }

  /**
   * The given users (no secrets), in the order of `ids`, missing ones dropped: from the cache in
   * one round trip, the rest with one `_id $in` query. Serves every list that shows people.
   */
  findManyByIds(ids: Types.ObjectId[]): Promise<UserRecord[]> {
    return this.findManyByHexIds(ids.map((id) => id.toHexString()));
  }

  /** {@link findManyByIds} by ids already in hex (the cache's keys). */
  async findManyByHexIds(hexIds: string[]): Promise<UserRecord[]> {
    if (hexIds.length === 0) return [];
    const byId = await this.usersByHexIds(hexIds);
    return hexIds.map((id) => byId.get(id)).filter((user): user is UserRecord => Boolean(user));
  }

  /** Index: `_id` (users not cached). The users of these hex ids that exist, by hex id. */
  usersByHexIds(hexIds: string[]): Promise<Map<string, UserRecord>> {
    return this.cache.getMany(
      hexIds,
      (missing) =>
        this.users
          .find({ _id: { $in: missing.map((id) => new Types.ObjectId(id)) } }, PRIVATE_FIELDS)
          .lean<UserRecord[]>()
          .exec(),
      (user) => user._id.toHexString(),
    );
  }

  /** Index: `_id`. Verified users' address and name, for emails. */
  findMailTargets(ids: Types.ObjectId[]) {
    return this.users
      .find(
        { _id: { $in: ids }, emailVerified: true },
        { emailId: 1, firstName: 1, notificationPrefs: 1 },
      )
      .lean<Pick<UserRecord, '_id' | 'emailId' | 'firstName' | 'notificationPrefs'>[]>()
      .exec();
  }

  /**
   * Index: `_id`. Turns optional emails on or off (only the lists given), returns the stored
   * preferences after the change, or null when the user is gone.
   */
  async setNotificationPreferences(
    id: Types.ObjectId,
    change: Partial<NotificationPreferences>,
  ): Promise<StoredNotificationPreferences | null> {
    const set = Object.fromEntries(
      Object.entries(change).map(([list, on]) => [`notificationPrefs.${list}`, on]),
    );
    const user = await this.users
      .findByIdAndUpdate(id, { $set: set }, { new: true, projection: { notificationPrefs: 1 } })
      .lean<Pick<UserRecord, 'notificationPrefs'>>()
      .exec();
    await this.cache.invalidate(id.toHexString());
    return user ? (user.notificationPrefs ?? {}) : null;
  }

  /**
   * Index: `_id`. Writes a membership (`next`) in ONE conditional update, so concurrent grants
   * cannot both extend: it applies only while the stored membership still equals `expected` (the
   * values the caller computed `next` from; `null` matches a missing field) and `paymentId` is not
   * yet in `appliedPayments`, which it then joins (only this method reads or writes that path; it
   * never reaches the caches or the views). On a miss, returns the fresh stored state so
   * the caller can recompute and retry, or see that the payment was already applied.
   */
  async grantMembership(
    userId: Types.ObjectId,
    next: Pick<User, 'membershipType' | 'billingCycle' | 'membershipExpiry' | 'feedPriorityUntil'>,
    expected: {
      membershipType: string | null;
      billingCycle: string | null;
      membershipExpiry: Date | null;
    },
    paymentId: string,
  ): Promise<
    | { applied: true; user: UserRecord }
    | {
        applied: false;
        current:
          | (Pick<User, 'membershipType' | 'billingCycle' | 'membershipExpiry'> & {
              paymentApplied: boolean;
            })
          | null;
      }
  > {
    const user = await this.users
      .findOneAndUpdate(
        {
          _id: userId,
          membershipType: { $eq: expected.membershipType },
          billingCycle: { $eq: expected.billingCycle },
          membershipExpiry: { $eq: expected.membershipExpiry },
          appliedPayments: { $ne: paymentId },
        },
        { $set: next, $addToSet: { appliedPayments: paymentId } },
        { new: true, strict: false },
      )
      .lean<UserRecord>()
      .exec();
    if (user) {
      await Promise.all([this.cache.invalidate(userId.toHexString()), this.tierMembers.changed()]);
      return { applied: true, user: withoutSecrets(user)! };
    }
    const fresh = await this.users
      .findById(userId, {
        membershipType: 1,
        billingCycle: 1,
        membershipExpiry: 1,
        appliedPayments: 1,
      })
      .lean<UserRecord & { appliedPayments?: string[] }>()
      .exec();
    if (!fresh) return { applied: false, current: null };
    return {
      applied: false,
      current: {
        membershipType: fresh.membershipType,
        billingCycle: fresh.billingCycle,
        membershipExpiry: fresh.membershipExpiry,
        paymentApplied: (fresh.appliedPayments ?? []).includes(paymentId),
      },
    };
  }

  /**
   * Index: `{ membershipExpiry: 1 }`. Writes FREE (cycle and expiry cleared) for up to `limit`
   * users whose expiry is before `now`, in one conditional update (a grant that extended the
   * expiry meanwhile no longer matches; a grant racing it retries from FREE), then invalidates
   * their cache entries. Returns how many were downgraded.
   */
  async downgradeExpired(now: Date, limit: number): Promise<number> {
    const expired = await this.users
      .find({ membershipExpiry: { $lt: now } }, { _id: 1 })
      .sort({ membershipExpiry: 1 })
      .limit(limit)
      .lean<Pick<UserRecord, '_id'>[]>()
      .exec();
    if (expired.length === 0) return 0;
    const ids = expired.map((user) => user._id);
    const result = await this.users
      .updateMany(
        { _id: { $in: ids }, membershipExpiry: { $lt: now } },
        { $set: { membershipType: 'FREE', billingCycle: null, membershipExpiry: null } },
      )
      .exec();
    await this.cache.invalidate(...ids.map((id) => id.toHexString()));
    return result.modifiedCount;
  }

  /**
   * Index: `_id`. The user's own document without secrets (hash, verification token, applied
   * payment ids), read from the database: the data export.
   */
  findOwnRecord(id: Types.ObjectId): Promise<UserRecord | null> {
    return this.users.findById(id, PRIVATE_FIELDS).lean<UserRecord>().exec();
  }

  /**
   * Index: `_id`. Deletes the user's document (account deletion), which frees the address for a
   * new signup (the unique `emailId` index), then drops the cached copy and the feed tier list
   * (the user may have been boosted or ELITE), so no instance shows them again. Every list that
   * shows people drops ids it cannot find, so references left elsewhere show nobody. Safe to
   * repeat.
   */
  async deleteAccount(id: Types.ObjectId): Promise<boolean> {
    const result = await this.users.deleteOne({ _id: id }).exec();
    await Promise.all([this.cache.invalidate(id.toHexString()), this.tierMembers.changed()]);
    return result.deletedCount === 1;
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
    await this.cache.invalidate(id.toHexString());
    return withoutSecrets(user);
  }
}
