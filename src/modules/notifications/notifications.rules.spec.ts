import { Types } from 'mongoose';
import { readSelectionOf, retentionCutoffId } from './notifications.rules';

describe('retentionCutoffId', () => {
  it('is the id of the instant 90 days before now', () => {
    const now = new Date('2026-12-04T12:00:00.000Z');
    expect(retentionCutoffId(now).getTimestamp()).toEqual(new Date('2026-09-05T12:00:00.000Z'));
  });
});

describe('readSelectionOf', () => {
  const a = new Types.ObjectId().toHexString();
  const b = new Types.ObjectId().toHexString();

  it('ids: each once', () => {
    const selection = readSelectionOf({ ids: [a, b, a] });
    expect(selection && 'ids' in selection && selection.ids.map((id) => id.toHexString())).toEqual([
      a,
      b,
    ]);
  });

  it('all: true', () => {
    expect(readSelectionOf({ all: true })).toEqual({ all: true });
  });

  it('neither, both, or all: false is no selection', () => {
    expect(readSelectionOf({})).toBeNull();
    expect(readSelectionOf({ ids: [a], all: true })).toBeNull();
    expect(readSelectionOf({ all: false })).toBeNull();
  });
});
