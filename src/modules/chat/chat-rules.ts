import type { Types } from 'mongoose';
import type { ConnectionStatus } from '../connections/connection.schema';
import { isObjectIdString } from '../../common/validation/object-id';
import {
  CHAT_ERRORS,
  MAX_CLIENT_MESSAGE_ID_LENGTH,
  MAX_MESSAGE_LENGTH,
  type ChatErrorName,
} from './chat.errors';

/**
 * The rules that decide what a chat route or socket event answers, as pure functions of the facts
 * the service looked up. Refusals are named by their entry in `CHAT_ERRORS`.
 */

/** What the caller may do in a pair's conversation. */
export type ChatAccess =
  | { outcome: 'readWrite' }
  /** The connection is gone (removed) but the pair has history: read it, send nothing. */
  | { outcome: 'readOnly' }
  | { outcome: 'refuse'; error: ChatErrorName };

export interface AccessFacts {
  callerId: Types.ObjectId;
  targetId: Types.ObjectId;
  /** The pair's connection status, null without a document. */
  connection: ConnectionStatus | null;
  /** Whether the pair has a chat with at least one message. */
  hasHistory: boolean;
}

/**
 * Nobody chats with themselves; an accepted connection reads and sends; a pair that has history
 * but is no longer connected (a removed connection, or a chat kept from before the rewrite) reads
 * only; anyone else is refused. The target's existence is checked before (404).
 */
export function chatAccess(facts: AccessFacts): ChatAccess {
  if (facts.callerId.equals(facts.targetId)) return { outcome: 'refuse', error: 'chatWithSelf' };
  if (facts.connection === 'accepted') return { outcome: 'readWrite' };
  if (facts.hasHistory) return { outcome: 'readOnly' };
  return { outcome: 'refuse', error: 'notConnected' };
}

/** Why a send is refused given the access, or null when it may go ahead. */
export function sendRefusal(access: ChatAccess): ChatErrorName | null {
  if (access.outcome === 'refuse') return access.error;
  return access.outcome === 'readOnly' ? 'sendNotAllowed' : null;
}

/** A refusal of a socket payload: a fixed entry, or the unexpected-field one with its name. */
export type PayloadRefusal = { error: ChatErrorName } | { error: 'unexpectedField'; field: string };

export type Parsed<T> = { ok: true; value: T } | ({ ok: false } & PayloadRefusal);

/** Keys the SPA sends that the server ignores (identity comes from the socket). */
const IGNORED_KEYS = ['userId', 'firstName', 'lastName', 'photoUrl'];

const CLIENT_MESSAGE_ID = new RegExp(`^[A-Za-z0-9_.:-]{1,${MAX_CLIENT_MESSAGE_ID_LENGTH}}$`);

/** Longer raw strings are refused before trimming or counting (cheap bound on huge payloads). */
const MAX_RAW_TEXT_LENGTH = MAX_MESSAGE_LENGTH * 4;

function asObject(
  payload: unknown,
  allowed: string[],
): { ok: true; value: Record<string, unknown> } | ({ ok: false } & PayloadRefusal) {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, error: 'payloadNotObject' };
  }
  for (const key of Object.keys(payload)) {
    if (!allowed.includes(key) && !IGNORED_KEYS.includes(key)) {
      return { ok: false, error: 'unexpectedField', field: key };
    }
  }
  return { ok: true, value: payload as Record<string, unknown> };
}

function targetOf(value: unknown): string | null {
  return isObjectIdString(value) ? value.toLowerCase() : null;
}

/** Message text: a string, trimmed, 1–2000 characters (code points). */
export function parseText(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return { ok: false, error: 'textNotString' };
  if (value.length > MAX_RAW_TEXT_LENGTH) return { ok: false, error: 'textTooLong' };
  const text = value.trim();
  if (text.length === 0) return { ok: false, error: 'textEmpty' };
  if ([...text].length > MAX_MESSAGE_LENGTH) return { ok: false, error: 'textTooLong' };
  return { ok: true, value: text };
}

/** Optional: 1–64 of `A-Z a-z 0-9 _ . : -`. */
export function parseClientMessageId(value: unknown): Parsed<string | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value === 'string' && CLIENT_MESSAGE_ID.test(value)) return { ok: true, value };
  return { ok: false, error: 'invalidClientMessageId' };
}

export function parseTargetPayload(payload: unknown): Parsed<{ targetUserId: string }> {
  const object = asObject(payload, ['targetUserId']);
  if (!object.ok) return object;
  const targetUserId = targetOf(object.value.targetUserId);
  if (!targetUserId) return { ok: false, error: 'invalidTargetUserId' };
  return { ok: true, value: { targetUserId } };
}

export interface SendPayload {
  targetUserId: string;
  text: string;
  clientMessageId?: string;
}

export function parseSendPayload(payload: unknown): Parsed<SendPayload> {
  const object = asObject(payload, ['targetUserId', 'text', 'clientMessageId']);
  if (!object.ok) return object;
  const targetUserId = targetOf(object.value.targetUserId);
  if (!targetUserId) return { ok: false, error: 'invalidTargetUserId' };
  const text = parseText(object.value.text);
  if (!text.ok) return text;
  const clientMessageId = parseClientMessageId(object.value.clientMessageId);
  if (!clientMessageId.ok) return clientMessageId;
  return {
    ok: true,
    value: { targetUserId, text: text.value, clientMessageId: clientMessageId.value },
  };
}

export function parseTypingPayload(
  payload: unknown,
): Parsed<{ targetUserId: string; isTyping: boolean }> {
  const object = asObject(payload, ['targetUserId', 'isTyping']);
  if (!object.ok) return object;
  const targetUserId = targetOf(object.value.targetUserId);
  if (!targetUserId) return { ok: false, error: 'invalidTargetUserId' };
  if (typeof object.value.isTyping !== 'boolean') return { ok: false, error: 'isTypingNotBoolean' };
  return { ok: true, value: { targetUserId, isTyping: object.value.isTyping } };
}

/** The message a payload refusal answers with. */
export function refusalMessage(refusal: PayloadRefusal): string {
  return refusal.error === 'unexpectedField'
    ? CHAT_ERRORS.unexpectedField.message(refusal.field)
    : CHAT_ERRORS[refusal.error].message;
}

/** Typing indicators: at most one "is typing" per socket per this interval; "stopped" always passes. */
export const TYPING_INTERVAL_MS = 1000;

export function typingAllowed(isTyping: boolean, lastSentAt: number | undefined, now: number) {
  return !isTyping || lastSentAt === undefined || now - lastSentAt >= TYPING_INTERVAL_MS;
}

/** The window of the per-user send limit (CHAT_SEND_LIMIT sends, default 20), shared via Redis. */
export const SEND_LIMIT_WINDOW_MS = 10_000;

/**
 * History pages are read in `_id` windows walking back from the newest message (see
 * MessagesRepository.newestFirst): DocumentDB cannot return `{ chatId, _id }` index entries in
 * order, so an unbounded query reads and sorts the whole conversation. The send limit caps how
 * many messages a window of this length can hold (2 users × CHAT_SEND_LIMIT per 10 s).
 */
export const HISTORY_FIRST_WINDOW_SECONDS = 30;
/** Bounded windows per page before the rest of the conversation is read in one query. */
export const HISTORY_MAX_WINDOWS = 6;
/**
 * A chat known to hold at most this many messages is read in one query bounded by `chatId`:
 * sorting that few costs less than a second window query would.
 */
export const HISTORY_SINGLE_QUERY_MAX = 1000;

export interface HistoryFacts {
  /** `chats.messageCount`; undefined for a chat from before it was kept (unknown). */
  messageCount?: number;
  /** Seconds from the chat's creation to its newest message; undefined when unknown. */
  lifetimeSeconds?: number;
  /** Messages the page still needs. */
  wanted: number;
}

export type HistoryPlan = { kind: 'oneQuery' } | { kind: 'windows'; firstSeconds: number };

/**
 * How a history page is read: a small chat in one query; a larger one (or one of unknown size)
 * in `_id` windows, the first sized for twice the page at the chat's average density, so a chat
 * that talks steadily needs a single window (at least HISTORY_FIRST_WINDOW_SECONDS).
 */
export function historyPlan(facts: HistoryFacts): HistoryPlan {
  const { messageCount, lifetimeSeconds, wanted } = facts;
  if (messageCount !== undefined && messageCount <= HISTORY_SINGLE_QUERY_MAX) {
    return { kind: 'oneQuery' };
  }
  if (!messageCount || !lifetimeSeconds || lifetimeSeconds <= 0) {
    return { kind: 'windows', firstSeconds: HISTORY_FIRST_WINDOW_SECONDS };
  }
  const seconds = Math.ceil((lifetimeSeconds * 2 * wanted) / messageCount);
  return { kind: 'windows', firstSeconds: Math.max(seconds, HISTORY_FIRST_WINDOW_SECONDS) };
}

/**
 * The length of the next (older) window after one of `seconds` held `found` of the `wanted`
 * messages still missing: sized for twice the missing count at the density just seen, at least
 * 4× longer, and 2,000× longer (the most) after an empty one, so a quiet chat reaches its start
 * in few steps.
 */
export function nextHistoryWindow(seconds: number, found: number, wanted: number): number {
  const growth = found === 0 ? 2000 : Math.ceil((2 * wanted) / found);
  return seconds * Math.min(Math.max(growth, 4), 2000);
}
