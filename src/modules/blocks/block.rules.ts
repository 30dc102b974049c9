import type { Types } from 'mongoose';

/**
 * Who may do what between two users when one has blocked the other, as pure functions of the
 * facts the services looked up. A block in either direction is enough: the pair no longer sees,
 * requests or messages each other; only the side that blocked may lift its own block.
 */

/** A user's blocks, both directions, as lower-case hex ids. */
export interface UserBlocks {
  /** Whom the user blocked. */
  blocked: readonly string[];
  /** Who blocked the user. */
  blockedBy: readonly string[];
}

export const NO_BLOCKS: UserBlocks = { blocked: [], blockedBy: [] };

/** Between the user and another: none, the user blocked them, or they blocked the user. */
export type BlockDirection = 'none' | 'byMe' | 'byThem';

/** A mutual block counts as the caller's own (they learn about their own action, nothing more). */
export function blockDirection(
  blocks: UserBlocks,
  otherId: Types.ObjectId | string,
): BlockDirection {
  const other = String(otherId).toLowerCase();
  if (blocks.blocked.includes(other)) return 'byMe';
  if (blocks.blockedBy.includes(other)) return 'byThem';
  return 'none';
}

/** Everyone hidden from the user, whichever side blocked (feed exclusions, presence). */
export function hiddenFrom(blocks: UserBlocks): string[] {
  return [...new Set([...blocks.blocked, ...blocks.blockedBy])];
}

/** Checked before any lookup: nobody blocks or reports themselves. */
export function isSelf(callerId: Types.ObjectId, targetId: Types.ObjectId): boolean {
  return callerId.equals(targetId);
}

/**
 * Can the caller send a connection request to the other user? Not across a block, and the
 * refusal is the unknown user's 404 either way, so a blocked user learns nothing from it.
 */
export function requestRefusal(direction: BlockDirection): 'userNotFound' | null {
  return direction === 'none' ? null : 'userNotFound';
}

/**
 * Can the caller see the other user's public profile? Not across a block, either way: the answer
 * is the unknown user's 404, as for a request, so the profile cannot tell who blocked whom.
 */
export function profileRefusal(direction: BlockDirection): 'userNotFound' | null {
  return requestRefusal(direction);
}

/**
 * Can the caller send a chat message to the other user? Not across a block: the blocker is told
 * that their own block is why; the blocked side gets the same answer as a removed connection
 * (they have already seen the connection go), so it reveals nothing new.
 */
export function chatSendRefusal(
  direction: BlockDirection,
): 'sendBlockedByYou' | 'sendNotAllowed' | null {
  if (direction === 'byMe') return 'sendBlockedByYou';
  return direction === 'byThem' ? 'sendNotAllowed' : null;
}

/** Does the user see the other's presence (online, onlineList, status events, typing)? */
export function presenceVisible(direction: BlockDirection): boolean {
  return direction === 'none';
}
