import { Types } from 'mongoose';
import type { ConnectionStatus } from '../connections/connection.schema';
import {
  chatAccess,
  parseClientMessageId,
  parseSendPayload,
  parseTargetPayload,
  parseText,
  parseTypingPayload,
  refusalMessage,
  sendRefusal,
  nextHistoryWindow,
  historyPlan,
  HISTORY_FIRST_WINDOW_SECONDS,
  HISTORY_SINGLE_QUERY_MAX,
  typingAllowed,
  TYPING_INTERVAL_MS,
  type ChatAccess,
} from './chat-rules';
import { CHAT_ERRORS } from './chat.errors';

const id = (n: number) => new Types.ObjectId(n.toString(16).padStart(24, '0'));
const caller = id(1);
const other = id(2);
const target = other.toHexString();

describe('chatAccess / sendRefusal', () => {
  it.each<
    [string, Types.ObjectId, ConnectionStatus | null, boolean, ChatAccess['outcome'], string | null]
  >([
    ['yourself', caller, null, false, 'refuse', 'chatWithSelf'],
    ['yourself, even with history', caller, 'accepted', true, 'refuse', 'chatWithSelf'],
    ['an accepted connection', other, 'accepted', false, 'readWrite', null],
    ['an accepted connection with history', other, 'accepted', true, 'readWrite', null],
    ['a removed connection with history', other, null, true, 'readOnly', 'sendNotAllowed'],
    ['a removed connection without history', other, null, false, 'refuse', 'notConnected'],
    ['a pending request', other, 'interested', false, 'refuse', 'notConnected'],
    ['an ignored swipe', other, 'ignored', false, 'refuse', 'notConnected'],
    ['a rejected request with old history', other, 'rejected', true, 'readOnly', 'sendNotAllowed'],
    ['a stranger', other, null, false, 'refuse', 'notConnected'],
  ])('%s', (_name, targetId, connection, hasHistory, outcome, refusal) => {
    const access = chatAccess({ callerId: caller, targetId, connection, hasHistory });
    expect(access.outcome).toBe(outcome);
    expect(sendRefusal(access)).toBe(refusal);
  });

  it('refusals are 403s with clear messages', () => {
    expect(CHAT_ERRORS.chatWithSelf.status).toBe(403);
    expect(CHAT_ERRORS.notConnected).toMatchObject({
      status: 403,
      message: 'You can only chat with your connections',
    });
    expect(CHAT_ERRORS.sendNotAllowed.status).toBe(403);
  });
});

describe('parseText', () => {
  it.each<[string, unknown, string | null, string | null]>([
    ['plain text', 'hi', 'hi', null],
    ['trimmed', '  hi there \n', 'hi there', null],
    ['2000 characters', 'a'.repeat(2000), 'a'.repeat(2000), null],
    ['2000 emoji (code points, not UTF-16 units)', '😀'.repeat(2000), '😀'.repeat(2000), null],
    ['2001 characters', 'a'.repeat(2001), null, 'textTooLong'],
    ['2000 characters plus spaces around', `  ${'a'.repeat(2000)}  `, 'a'.repeat(2000), null],
    ['huge string', 'a'.repeat(1_000_000), null, 'textTooLong'],
    ['empty', '', null, 'textEmpty'],
    ['blank', ' \n\t ', null, 'textEmpty'],
    ['a number', 42, null, 'textNotString'],
    ['an operator object', { $ne: null }, null, 'textNotString'],
    ['an array', ['hi'], null, 'textNotString'],
    ['missing', undefined, null, 'textNotString'],
  ])('%s', (_name, value, text, error) => {
    const parsed = parseText(value);
    if (error) expect(parsed).toEqual({ ok: false, error });
    else expect(parsed).toEqual({ ok: true, value: text });
  });
});

describe('parseClientMessageId', () => {
  it.each<[unknown, boolean]>([
    [undefined, true],
    [null, true],
    ['a', true],
    ['tab-1:msg_42.x', true],
    ['0f8fad5b-d9cb-469f-a165-70867728950e', true],
    ['x'.repeat(64), true],
    ['x'.repeat(65), false],
    ['', false],
    ['has space', false],
    ['ümlaut', false],
    [42, false],
    [{ $gt: '' }, false],
  ])('%j → %s', (value, accepted) => {
    expect(parseClientMessageId(value).ok).toBe(accepted);
  });
});

describe('socket payloads', () => {
  it.each<[string, unknown, string]>([
    ['a string', 'hello', 'payloadNotObject'],
    ['null', null, 'payloadNotObject'],
    ['an array', [{ targetUserId: target }], 'payloadNotObject'],
    ['a number', 7, 'payloadNotObject'],
    ['no target', { text: 'hi' }, 'invalidTargetUserId'],
    ['a bad target', { targetUserId: 'nope', text: 'hi' }, 'invalidTargetUserId'],
    ['an operator target', { targetUserId: { $ne: null }, text: 'hi' }, 'invalidTargetUserId'],
    ['an unknown key', { targetUserId: target, text: 'hi', $where: 1 }, 'unexpectedField'],
    ['blank text', { targetUserId: target, text: '  ' }, 'textEmpty'],
    [
      'bad clientMessageId',
      { targetUserId: target, text: 'hi', clientMessageId: 'a b' },
      'invalidClientMessageId',
    ],
  ])('sendMessage refuses %s', (_name, payload, error) => {
    const parsed = parseSendPayload(payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toBe(error);
  });

  it('sendMessage ignores the identity keys the SPA sends and lowercases the target', () => {
    const parsed = parseSendPayload({
      targetUserId: target.toUpperCase(),
      text: ' hi ',
      userId: id(9).toHexString(),
      firstName: 'Mallory',
      lastName: 'X',
      photoUrl: 'https://evil.example/x.png',
    });
    expect(parsed).toEqual({
      ok: true,
      value: { targetUserId: target, text: 'hi', clientMessageId: undefined },
    });
  });

  it('joinChat / markRead take a target (the SPA also sends userId and firstName)', () => {
    expect(parseTargetPayload({ targetUserId: target, userId: 'x', firstName: 'A' })).toEqual({
      ok: true,
      value: { targetUserId: target },
    });
    expect(parseTargetPayload({ targetUserId: target, text: 'x' })).toEqual({
      ok: false,
      error: 'unexpectedField',
      field: 'text',
    });
  });

  it('typing needs a boolean', () => {
    expect(parseTypingPayload({ targetUserId: target, isTyping: true }).ok).toBe(true);
    expect(parseTypingPayload({ targetUserId: target, isTyping: 'yes' })).toEqual({
      ok: false,
      error: 'isTypingNotBoolean',
    });
  });

  it('refusal messages come from the catalogue; field names are cut', () => {
    expect(refusalMessage({ error: 'textEmpty' })).toBe('Message text must not be empty');
    expect(refusalMessage({ error: 'unexpectedField', field: 'k'.repeat(100) })).toBe(
      `Unexpected field: ${'k'.repeat(40)}`,
    );
  });
});

describe('typingAllowed', () => {
  it.each<[boolean, number | undefined, number, boolean]>([
    [true, undefined, 0, true],
    [true, 0, TYPING_INTERVAL_MS - 1, false],
    [true, 0, TYPING_INTERVAL_MS, true],
    [false, 0, 1, true],
  ])('isTyping %s, last %s, now %s → %s', (isTyping, last, now, allowed) => {
    expect(typingAllowed(isTyping, last, now)).toBe(allowed);
  });
});

describe('nextHistoryWindow', () => {
  it('sizes the next window for twice the missing messages at the density just seen', () => {
    expect(nextHistoryWindow(30, 10, 41)).toBe(30 * 9);
  });
  it('grows at least 4× when the window was nearly enough', () => {
    expect(nextHistoryWindow(30, 50, 1)).toBe(120);
  });
  it('grows 2,000× after an empty window, and never more', () => {
    expect(nextHistoryWindow(30, 0, 51)).toBe(60_000);
    expect(nextHistoryWindow(30, 1, 100_000)).toBe(60_000);
  });
});

describe('historyPlan', () => {
  it('reads a chat of known small size in one query', () => {
    expect(historyPlan({ messageCount: 0, wanted: 51 })).toEqual({ kind: 'oneQuery' });
    expect(historyPlan({ messageCount: 100, lifetimeSeconds: 100, wanted: 51 })).toEqual({
      kind: 'oneQuery',
    });
    expect(historyPlan({ messageCount: HISTORY_SINGLE_QUERY_MAX, wanted: 51 }).kind).toBe(
      'oneQuery',
    );
  });

  it('walks windows when the size is unknown, the first of the default length', () => {
    expect(historyPlan({ lifetimeSeconds: 10_000, wanted: 51 })).toEqual({
      kind: 'windows',
      firstSeconds: HISTORY_FIRST_WINDOW_SECONDS,
    });
  });

  it('sizes the first window of a large chat for twice the page at its average density', () => {
    // 10,000 messages in 10,000 s: 102 s hold about 102 messages.
    expect(historyPlan({ messageCount: 10_000, lifetimeSeconds: 10_000, wanted: 51 })).toEqual({
      kind: 'windows',
      firstSeconds: 102,
    });
    // A year of 2,000 messages: about 51 × 2 / 2,000 of it.
    expect(historyPlan({ messageCount: 2000, lifetimeSeconds: 365 * 86_400, wanted: 51 })).toEqual({
      kind: 'windows',
      firstSeconds: Math.ceil((365 * 86_400 * 102) / 2000),
    });
  });

  it('never starts shorter than the default window, nor from an unknown lifetime', () => {
    expect(historyPlan({ messageCount: 5000, lifetimeSeconds: 60, wanted: 51 })).toEqual({
      kind: 'windows',
      firstSeconds: HISTORY_FIRST_WINDOW_SECONDS,
    });
    expect(historyPlan({ messageCount: 5000, wanted: 51 })).toEqual({
      kind: 'windows',
      firstSeconds: HISTORY_FIRST_WINDOW_SECONDS,
    });
    expect(historyPlan({ messageCount: 5000, lifetimeSeconds: -5, wanted: 51 }).kind).toBe(
      'windows',
    );
  });
});
