import { PLANS } from '../plans/plans';
import type { UserRecord } from './user.schema';

/** The caller's own profile (contract §2.1): the document minus secrets and `__v`. */
export interface SelfUserView {
  _id: string;
  firstName: string;
  lastName?: string;
  emailId: string;
  age?: number;
  gender?: string;
  photoUrl?: string;
  /** "" until the user writes one (no default text; contract §2.1). */
  about: string;
  skills: string[];
  githubUsername: string | null;
  membershipType: string;
  billingCycle: string | null;
  membershipExpiry: string | null;
  onboardingComplete: boolean;
  emailVerified: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Another user's profile (contract §2.2 `ProfileUser`): the safe view plus the GitHub handle. */
export type ProfileUserView = SafeUserView & { githubUsername: string | null };

/** Fields that may be read for other users' views; everything else stays private. */

function withoutUndefined<T extends object>(value: T): T {
  // Every profile in every list passes here: one loop, no intermediate arrays. `value` is
  // always an object literal, so for-in sees only its own fields.
  const kept: Record<string, unknown> = {};
  for (const key in value) {
    const field = value[key];
    if (field !== undefined) kept[key] = field;
  }
  return kept as T;
}

/** A membership whose expiry has passed is shown as FREE (contract §3.8), lazily on read. */
function effectiveMembership(
  user: Partial<Pick<UserRecord, 'membershipType' | 'billingCycle' | 'membershipExpiry'>>,
  now: Date,
) {
  const expired =
    user.membershipExpiry !== null &&
    user.membershipExpiry !== undefined &&
    user.membershipExpiry <= now;
  return expired
    ? { membershipType: 'FREE', billingCycle: null, membershipExpiry: null }
    : {
        membershipType: user.membershipType ?? 'FREE',
        billingCycle: user.billingCycle ?? null,
        membershipExpiry: user.membershipExpiry ? user.membershipExpiry.toISOString() : null,
      };
}

/**
 * A user shared by every reader and never mutated (one the user cache decoded) carries the views
 * built of it: a view is a pure function of the user and of whether its plan has lapsed, and
 * building one is most of what a list of people costs in our own code. Views are frozen.
 */
const VIEW_MEMO = Symbol('user views');

interface ViewMemo {
  /** When the plan lapses (ms), Infinity without an expiry: views before and after it differ. */
  lapsesAt: number;
  /** Index 0 before the plan lapses, 1 after. */
  self: [SelfUserView?, SelfUserView?];
  safe: [SafeUserView?, SafeUserView?];
}

type MemoCarrier = { [VIEW_MEMO]?: ViewMemo };

/** Gives `user` (about to be frozen and shared) a place to keep its views. */
export function withViewMemo<T extends Partial<Pick<UserRecord, 'membershipExpiry'>>>(user: T): T {
  const expiry = user.membershipExpiry;
  const memo: ViewMemo = {
    lapsesAt: expiry instanceof Date ? expiry.getTime() : Infinity,
    self: [undefined, undefined],
    safe: [undefined, undefined],
  };
  Object.defineProperty(user, VIEW_MEMO, { value: memo, enumerable: false });
  return user;
}

/**
 * `build(user, now)`, kept in the user's memo when it has one (see {@link VIEW_MEMO}), in the slot
 * of the plan's state at `now`.
 */
function memoised<U extends object, V extends object>(
  user: U,
  now: Date,
  kind: 'self' | 'safe',
  build: (user: U, now: Date) => V,
): V {
  const memo = (user as MemoCarrier)[VIEW_MEMO];
  if (!memo) return build(user, now);
  const slots = memo[kind] as [V?, V?];
  const lapsed = now.getTime() >= memo.lapsesAt ? 1 : 0;
  return (slots[lapsed] ??= Object.freeze(build(user, now)));
}

export function toSelfView(user: UserRecord, now = new Date()): SelfUserView {
  return memoised(user, now, 'self', buildSelfView);
}

function buildSelfView(user: UserRecord, now: Date): SelfUserView {
  return withoutUndefined({
    _id: user._id.toHexString(),
    firstName: user.firstName,
    lastName: user.lastName,
    emailId: user.emailId,
    age: user.age,
    gender: user.gender,
    photoUrl: user.photoUrl,
    about: user.about ?? '',
    skills: user.skills ?? [],
    githubUsername: user.githubUsername ?? null,
    ...effectiveMembership(user, now),
    onboardingComplete: user.onboardingComplete ?? false,
    emailVerified: user.emailVerified ?? false,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  });
}

/** The public profile is the safe view plus the GitHub handle. */
export function toProfileView(
  user: UserViewSource & Partial<Pick<UserRecord, 'githubUsername'>>,
  now = new Date(),
): ProfileUserView {
  return { ...toSafeView(user, now), githubUsername: user.githubUsername ?? null };
}

/** A user as read for someone else's eyes: only public fields (plus expiry, to compute FREE). */
export type UserViewSource = Pick<UserRecord, '_id' | 'firstName'> &
  Partial<
    Pick<
      UserRecord,
      | 'lastName'
      | 'about'
      | 'photoUrl'
      | 'skills'
      | 'age'
      | 'gender'
      | 'membershipType'
      | 'membershipExpiry'
    >
  >;

/** Feed items and connections (contract §2.2 `SafeUser`). */
export interface SafeUserView {
  _id: string;
  firstName: string;
  lastName?: string;
  /** "" until the user writes one (no default text; contract §2.1). */
  about: string;
  photoUrl?: string;
  skills: string[];
  age?: number;
  gender?: string;
  membershipType: string;
  /** `true` for ELITE (plan entitlement `verifiedBadge`); absent otherwise. */
  verifiedBadge?: boolean;
}

/** Request lists (contract §2.2 `RequestUser`): no skills. */
export type RequestUserView = Omit<SafeUserView, 'skills'>;

export const SAFE_USER_PROJECTION = {
  firstName: 1,
  lastName: 1,
  about: 1,
  photoUrl: 1,
  skills: 1,
  age: 1,
  gender: 1,
  membershipType: 1,
  membershipExpiry: 1,
} as const;

export const REQUEST_USER_PROJECTION = {
  firstName: 1,
  lastName: 1,
  age: 1,
  gender: 1,
  photoUrl: 1,
  about: 1,
  membershipType: 1,
  membershipExpiry: 1,
} as const;

export function toSafeView(user: UserViewSource, now = new Date()): SafeUserView {
  return memoised(user, now, 'safe', buildSafeView);
}

function buildSafeView(user: UserViewSource, now: Date): SafeUserView {
  const { membershipType } = effectiveMembership(user, now);
  return withoutUndefined({
    _id: user._id.toHexString(),
    firstName: user.firstName,
    lastName: user.lastName,
    about: user.about ?? '',
    photoUrl: user.photoUrl,
    skills: user.skills ?? [],
    age: user.age,
    gender: user.gender,
    membershipType,
    verifiedBadge: PLANS.some(
      (plan) => plan.membershipType === membershipType && plan.entitlements.verifiedBadge,
    )
      ? true
      : undefined,
  });
}

export function toRequestView(user: UserViewSource, now = new Date()): RequestUserView {
  const { skills: _skills, ...rest } = toSafeView(user, now);
  return rest;
}

export const PROFILE_USER_PROJECTION = { ...SAFE_USER_PROJECTION, githubUsername: 1 } as const;
