import { Types } from 'mongoose';

/** How long a notification is kept. */
export const NOTIFICATION_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60_000;

/** Notifications with an `_id` below this one were created more than the retention ago. */
export function retentionCutoffId(now: Date): Types.ObjectId {
  return Types.ObjectId.createFromTime(
    Math.floor((now.getTime() - NOTIFICATION_RETENTION_DAYS * DAY_MS) / 1000),
  );
}

/** The unread count shown is capped: counting stops here ("99+" in a badge). */
export const MAX_UNREAD_COUNTED = 100;

/** What `POST /notifications/read` marks: the listed ids, or every unread one. */
export type ReadSelection = { all: true } | { ids: Types.ObjectId[] };

/** `{ ids }` or `{ all: true }`, exactly one; `null` when the body names neither or both. */
export function readSelectionOf(body: { ids?: string[]; all?: boolean }): ReadSelection | null {
  const hasIds = body.ids !== undefined;
  const hasAll = body.all === true;
  if (hasIds === hasAll) return null;
  if (hasAll) return { all: true };
  return { ids: [...new Set(body.ids)].map((id) => new Types.ObjectId(id)) };
}
