import { type NotificationPreferences, preferencesOf } from '../notifications/email-preferences';
import type { UserRecord } from '../users/user.schema';
import { toSelfView, type SelfUserView, type UserViewSource } from '../users/user.views';

/** Caps of the export's lists: past them a list says `truncated` (docs/accounts.md). */
export const EXPORT_LIMITS = {
  connections: 10_000,
  messages: 10_000,
  payments: 1_000,
  sessions: 1_000,
} as const;

/** One list of the export: at most its cap, `truncated` when there was more. */
export interface ExportList<T> {
  items: T[];
  truncated: boolean;
}

/** The caller's own profile: the self view plus the feed fields it does not show. */
export type ExportProfileView = SelfUserView & {
  feedPriorityUntil: string | null;
  boostedAt: string | null;
  boostedUntil: string | null;
  /** Which optional emails are on. */
  notificationPreferences: NotificationPreferences;
};

/** Another user as the export names them: the contract's public `ChatUser` fields only. */
export interface ExportPersonView {
  _id: string;
  firstName: string;
  lastName?: string;
  photoUrl?: string;
  /** `true` when that account was deleted since. */
  deleted?: true;
}

/** A request, swipe or connection, either direction. */
export interface ExportConnectionView {
  _id: string;
  /** `interested` (a pending request), `ignored`, `accepted` (a connection) or `rejected`. */
  status: string;
  /** `sent`: the caller swiped or asked; `received`: the other user did. */
  direction: 'sent' | 'received';
  user: ExportPersonView;
  createdAt: string;
  updatedAt: string;
}

export interface ExportMessageView {
  _id: string;
  chatId: string;
  /** The other participant's id. */
  to: string | null;
  text: string;
  createdAt: string;
}

export interface ExportPaymentView {
  orderId: string;
  paymentId: string | null;
  /** In paise. */
  amount: number;
  currency: string;
  receipt: string;
  membershipType: string;
  billingCycle: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface ExportSessionView {
  _id: string;
  userAgent: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  /** The session this export was asked from. */
  current: boolean;
}

export interface ExportMembershipView {
  membershipType: string;
  billingCycle: string | null;
  membershipExpiry: string | null;
}

/** `GET /profile/export`: everything stored about the caller, in one document. */
export interface AccountExportView {
  exportedAt: string;
  profile: ExportProfileView;
  membership: ExportMembershipView;
  connections: ExportList<ExportConnectionView>;
  messages: ExportList<ExportMessageView>;
  payments: ExportList<ExportPaymentView>;
  sessions: ExportList<ExportSessionView>;
}

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

export function toExportProfile(user: UserRecord, now: Date): ExportProfileView {
  return {
    ...toSelfView(user, now),
    feedPriorityUntil: iso(user.feedPriorityUntil),
    boostedAt: iso(user.boostedAt),
    boostedUntil: iso(user.boostedUntil),
    notificationPreferences: preferencesOf(user.notificationPrefs),
  };
}

/** Only public fields of the other user; a missing user is a deleted one. */
export function toExportPerson(
  id: { toHexString(): string },
  user: UserViewSource | undefined,
): ExportPersonView {
  if (!user)
    return { _id: id.toHexString(), firstName: 'Deleted', lastName: 'user', deleted: true };
  const view: ExportPersonView = { _id: id.toHexString(), firstName: user.firstName };
  if (user.lastName !== undefined) view.lastName = user.lastName;
  if (user.photoUrl !== undefined) view.photoUrl = user.photoUrl;
  return view;
}

/** The first `max` of `rows` (read with one more than the cap) and whether there was more. */
export function capped<T>(rows: T[], max: number): ExportList<T> {
  return { items: rows.slice(0, max), truncated: rows.length > max };
}
