import type { Types } from 'mongoose';
import { isExpiredIgnore, type Connection } from '../connections/connection.schema';
import type { RequestErrorName } from './requests.errors';

/**
 * The rules that decide what a request route answers, as pure functions of the facts the service
 * looked up (the pair's document, who is asking, the time). The writes themselves stay atomic in
 * `ConnectionsRepository` (a conditional update or delete); these functions decide what to try and,
 * when a conditional write changed nothing, what that means for the caller. Refusals are named by
 * their entry in `REQUEST_ERRORS` (`requests.errors.ts`).
 */

/** The fields of a pair's document the rules read. */
export type PairDocument = Pick<Connection, 'fromUserId' | 'toUserId' | 'status' | 'createdAt'>;

export type PairRole = 'sender' | 'receiver' | 'stranger';

/** Who `userId` is to a document: the one who sent it, the one it was sent to, or neither. */
export function roleIn(document: PairDocument, userId: Types.ObjectId): PairRole {
  if (document.fromUserId.equals(userId)) return 'sender';
  if (document.toUserId.equals(userId)) return 'receiver';
  return 'stranger';
}

/** Checked first, before any lookup: nobody sends a request to themselves. */
export function sendToSelfRefusal(
  callerId: Types.ObjectId,
  toUserId: Types.ObjectId,
): RequestErrorName | null {
  return callerId.equals(toUserId) ? 'sendToSelf' : null;
}

export type SendDecision<T extends PairDocument = PairDocument> =
  /** No document for the pair: insert (the unique `pairKey` index still guards a race). */
  | { outcome: 'create' }
  /** An `ignored` swipe older than 30 days: delete it if it is still expired, then insert. */
  | { outcome: 'replaceExpiredIgnore'; expired: T }
  | { outcome: 'refuse'; error: RequestErrorName };

/**
 * One document per pair, whoever sent it: with none, the send goes ahead; an `ignored` swipe older
 * than 30 days (either direction) is replaced; anything else (a newer `ignored`, a pending
 * `interested`, an `accepted` connection, a `rejected` request, which blocks the pair for good)
 * refuses the send.
 */
export function decideSend<T extends PairDocument>(existing: T | null, now: Date): SendDecision<T> {
  if (!existing) return { outcome: 'create' };
  if (isExpiredIgnore(existing, now)) return { outcome: 'replaceExpiredIgnore', expired: existing };
  return { outcome: 'refuse', error: 'alreadyExists' };
}

/**
 * Why a review changed nothing, given the document as it is now. Only the receiver reviews a
 * pending request: anyone else naming a pending request is told so (403); a missing, withdrawn or
 * already reviewed request is 404, whoever asks (and so is a pending one addressed to the caller,
 * which can only mean it changed between the update and this read).
 */
export function reviewRefusal(
  existing: PairDocument | null,
  callerId: Types.ObjectId,
): RequestErrorName {
  if (existing?.status === 'interested' && roleIn(existing, callerId) !== 'receiver') {
    return 'onlyReceiverReviews';
  }
  return 'requestNotFound';
}

/** Why a withdrawal changed nothing: as {@link reviewRefusal}, with the sender as the one allowed. */
export function withdrawRefusal(
  existing: PairDocument | null,
  callerId: Types.ObjectId,
): RequestErrorName {
  if (existing?.status === 'interested' && roleIn(existing, callerId) !== 'sender') {
    return 'onlySenderWithdraws';
  }
  return 'requestNotFound';
}
