import type { ErrorCatalogue, ErrorEntry } from './common/errors/app-error';
import { COMMON_ERRORS } from './common/errors/common.errors';
import { AUTH_ERRORS } from './modules/auth/auth.errors';
import { CHAT_ERRORS } from './modules/chat/chat.errors';
import { FEED_ERRORS } from './modules/feed/feed.errors';
import { MEMBERSHIP_ERRORS } from './modules/membership/membership.errors';
import { METRICS_ERRORS } from './modules/metrics/metrics.errors';
import { NOTIFICATION_ERRORS } from './modules/notifications/notifications.errors';
import { PAYMENT_ERRORS } from './modules/payments/payments.errors';
import { PRESENCE_ERRORS } from './modules/presence/presence.errors';
import { PROFILE_ERRORS } from './modules/profile/profile.errors';
import { QUEUE_DASHBOARD_ERRORS } from './modules/queue-dashboard/queue-dashboard.errors';
import { REQUEST_ERRORS } from './modules/requests/requests.errors';
import { SAFETY_ERRORS } from './modules/safety/safety.errors';
import { USER_ERRORS } from './modules/users/users.errors';

/**
 * Every error the API answers with on purpose, in one place: the generic ones from `common`, and
 * each feature's own from its `<module>.errors.ts` (so `common` imports no feature). A new module
 * with errors adds its catalogue here; `error-catalogue.spec.ts` checks the whole list (unique
 * codes, statuses, messages) and that no code outside a catalogue writes a message of its own.
 */
export const ERROR_CATALOGUES = {
  common: COMMON_ERRORS,
  auth: AUTH_ERRORS,
  users: USER_ERRORS,
  profile: PROFILE_ERRORS,
  requests: REQUEST_ERRORS,
  feed: FEED_ERRORS,
  chat: CHAT_ERRORS,
  presence: PRESENCE_ERRORS,
  membership: MEMBERSHIP_ERRORS,
  payments: PAYMENT_ERRORS,
  metrics: METRICS_ERRORS,
  queueDashboard: QUEUE_DASHBOARD_ERRORS,
  notifications: NOTIFICATION_ERRORS,
  safety: SAFETY_ERRORS,
} as const satisfies Record<string, ErrorCatalogue>;

/** Each entry once (a catalogue may reuse another's entry, e.g. requests' `userNotFound`). */
export function allErrorEntries(): ErrorEntry[] {
  const catalogues: ErrorCatalogue[] = Object.values(ERROR_CATALOGUES);
  return [...new Set(catalogues.flatMap((catalogue) => Object.values(catalogue)))];
}
