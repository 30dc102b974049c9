import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import type { StoredNotificationPreferences } from '../notifications/email-preferences';
import {
  BILLING_CYCLES,
  type BillingCycle,
  MEMBERSHIP_TYPES,
  type MembershipType,
} from '../plans/plans';

export const GENDERS = ['male', 'female', 'others'] as const;
export type Gender = (typeof GENDERS)[number];

export const skillsKeyOf = (skills: string[]): string[] =>
  skills.map((skill) => skill.trim().toLowerCase());

/** Collection `users` (contract §4.1). Validation rules live in the DTOs; the schema keeps shape. */
@Schema({ collection: 'users', timestamps: true })
export class User {
  /**
   * The rules (1–50 characters, which characters) are the shared PersonName DTO decorator's.
   * Mongoose counts UTF-16 units (an emoji is 2), so its caps here are only a backstop at twice.
   */
  @Prop({ type: String, required: true, trim: true, maxlength: 100 })
  firstName!: string;

  @Prop({ type: String, trim: true, maxlength: 100 })
  lastName?: string;

  @Prop({ type: String, required: true, unique: true, lowercase: true, trim: true, maxlength: 254 })
  emailId!: string;

  /** bcrypt hash; never leaves the repository except for password checks. */
  @Prop({ type: String, required: true })
  password!: string;

  @Prop({ type: Number, min: 18, max: 100 })
  age?: number;

  @Prop({ type: String, enum: GENDERS })
  gender?: Gender;

  @Prop({ type: String, maxlength: 2048 })
  photoUrl?: string;

  /** No default: absent until the user writes one (views show ""). DTO: 500 characters. */
  @Prop({ type: String, maxlength: 1000 })
  about?: string;

  @Prop({ type: [String], default: [] })
  skills!: string[];

  /** `skills` trimmed and lowercased: what the feed's case-insensitive filter matches on. */
  @Prop({ type: [String], default: [] })
  skillsKey!: string[];

  @Prop({ type: String, default: null, trim: true })
  githubUsername!: string | null;

  @Prop({ type: String, enum: MEMBERSHIP_TYPES, default: 'FREE' })
  membershipType!: MembershipType;

  @Prop({ type: String, enum: [...BILLING_CYCLES, null], default: null })
  billingCycle!: BillingCycle | null;

  @Prop({ type: Date, default: null })
  membershipExpiry!: Date | null;

  @Prop({ type: Boolean, default: false })
  onboardingComplete!: boolean;

  @Prop({ type: Boolean, default: false })
  emailVerified!: boolean;

  /**
   * Until when the profile comes first in feeds (ELITE): the expiry of the last ELITE grant. Never
   * cleared by the expiry downgrade (the feed evaluates it at each walk's start).
   */
  @Prop({ type: Date, default: undefined })
  feedPriorityUntil?: Date;

  /** When the user's last ELITE profile boost started (one per 7 days). */
  @Prop({ type: Date, default: undefined })
  boostedAt?: Date;

  /** Until when that boost puts the profile first in everyone's feed (30 minutes). */
  @Prop({ type: Date, default: undefined })
  boostedUntil?: Date;

  /** Ids of the payments whose plan was applied (each applies once); see grantMembership. */
  @Prop({ type: [String], default: undefined })
  appliedPayments?: string[];

  /**
   * Which optional emails the user turned off (`{ digest: false }`); absent or a field absent:
   * on. Read through preferencesOf (notifications/email-preferences.ts).
   */
  @Prop({ type: Object, default: undefined })
  notificationPrefs?: StoredNotificationPreferences;

  /** SHA-256 hex of the emailed verification token; removed once verified. */
  @Prop({ type: String })
  emailVerifyToken?: string;

  @Prop({ type: Date })
  emailVerifyExpiry?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export type UserDocument = HydratedDocument<User>;
/** A user as read with `lean()`. */
export type UserRecord = User & { _id: Types.ObjectId; __v?: number };

export const UserSchema = SchemaFactory.createForClass(User);
// emailId: unique (declared on the prop) — signup, login, resend.
UserSchema.index({ emailVerifyToken: 1 }); // verify-email
UserSchema.index({ membershipExpiry: 1 }); // worker: expired memberships to downgrade
UserSchema.index({ skillsKey: 1 }); // feed skills filter (case-insensitive via the lowercased copy)
UserSchema.index({ emailVerified: 1, onboardingComplete: 1, _id: 1 }); // feed candidates in _id order
UserSchema.index({ boostedUntil: 1 }); // feed tier 0: boosts running
UserSchema.index({ feedPriorityUntil: 1 }); // feed tier 1: ELITE in force
