import { Types } from 'mongoose';
import {
  checkBucketMs,
  checkJobFor,
  MAX_CHECK_BUCKET_MS,
  missedMessagesVerdict,
} from './missed-messages.rules';

const MINUTE = 60_000;
const DELAY = 15 * MINUTE;
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 4, 12, 0) + minutes * MINUTE);

describe('missed-message checks', () => {
  const chat = 'c'.repeat(24);
  const me = new Types.ObjectId().toHexString();
  const them = new Types.ObjectId();

  it('one check per chat, recipient and minute, due when the minute’s last message has waited', () => {
    const first = checkJobFor(chat, me, new Date(at(0).getTime() + 5_000), DELAY, at(0));
    const later = checkJobFor(chat, me, new Date(at(0).getTime() + 59_000), DELAY, at(0));
    expect(later.jobId).toBe(first.jobId);
    expect(first.delayMs).toBe(MAX_CHECK_BUCKET_MS + DELAY);
    const next = checkJobFor(chat, me, at(1), DELAY, at(1));
    expect(next.jobId).not.toBe(first.jobId);
    expect(checkJobFor(chat, 'x', at(0), DELAY, at(0)).jobId).not.toBe(first.jobId);
    // Scheduled late (the API was slow): never a negative delay.
    expect(checkJobFor(chat, me, at(0), DELAY, at(60)).delayMs).toBe(0);
  });

  it('a bucket is a fifteenth of the delay, a minute at most', () => {
    expect(checkBucketMs(DELAY)).toBe(60_000);
    expect(checkBucketMs(6 * 3_600_000)).toBe(60_000);
    expect(checkBucketMs(1500)).toBe(100);
    const short = checkJobFor(chat, me, new Date(1_000_050), 1500, new Date(1_000_050));
    expect(short.delayMs).toBe(1_000_100 + 1500 - 1_000_050);
  });

  const state = (unread: number, lastReadAt: Date | null, newestAt: Date, from = them) => ({
    unread: { [me]: unread },
    lastReadAt: { [me]: lastReadAt },
    lastMessage: { senderId: from, createdAt: newestAt },
  });

  it('emails when the message checked is still unread after the delay', () => {
    expect(missedMessagesVerdict(state(2, null, at(1)), me, at(0), DELAY, at(16))).toEqual({
      outcome: 'email',
      unread: 2,
    });
    expect(missedMessagesVerdict(state(1, at(-30), at(0)), me, at(0), DELAY, at(15))).toEqual({
      outcome: 'email',
      unread: 1,
    });
  });

  it('nothing when the chat was read since', () => {
    expect(missedMessagesVerdict(state(0, at(3), at(0)), me, at(0), DELAY, at(16))).toEqual({
      outcome: 'read',
    });
    // Read after the message, and nothing newer from them.
    expect(missedMessagesVerdict(state(1, at(3), at(2)), me, at(0), DELAY, at(16))).toEqual({
      outcome: 'read',
    });
    // The newest message is the recipient's own reply.
    const replied = state(1, at(3), at(5), new Types.ObjectId(me));
    expect(missedMessagesVerdict(replied, me, at(0), DELAY, at(16))).toEqual({ outcome: 'read' });
  });

  it('read after the checked message, but a newer one waits: email once it is due, else later', () => {
    const newer = state(1, at(1), at(2));
    expect(missedMessagesVerdict(newer, me, at(0), DELAY, at(17))).toEqual({
      outcome: 'email',
      unread: 1,
    });
    expect(missedMessagesVerdict(newer, me, at(0), DELAY, at(16))).toEqual({ outcome: 'notYet' });
  });

  it('never before the delay, even when unread', () => {
    expect(missedMessagesVerdict(state(1, null, at(0)), me, at(0), DELAY, at(14))).toEqual({
      outcome: 'notYet',
    });
  });
});
