import type Redis from 'ioredis';
import { Types } from 'mongoose';
import type { ConnectionsRepository } from '../connections/connections.repository';
import { deckEntry, encodeFeedDeck, type FeedDeck } from './feed-deck';
import { FeedDeckStore } from './feed-deck.store';

const deckOf = (ids: Types.ObjectId[]): FeedDeck => ({
  asOf: new Date('2026-12-04T09:00:00.000Z'),
  from: { tier: 0, afterId: null },
  entries: ids.map((id) => deckEntry(2, id)),
  tierStamp: 1,
  builtAt: new Date('2026-12-04T09:00:00.000Z'),
});

function storeReading(values: (string | null)[][]) {
  const mgetBuffer = jest.fn();
  for (const value of values) {
    mgetBuffer.mockResolvedValueOnce(value.map((raw) => (raw === null ? null : Buffer.from(raw))));
  }
  const store = new FeedDeckStore({ mgetBuffer } as unknown as Redis, {} as ConnectionsRepository);
  return store;
}

describe('FeedDeckStore.get', () => {
  const viewer = new Types.ObjectId();
  const first = `3:${encodeFeedDeck(deckOf([new Types.ObjectId(), new Types.ObjectId()]))}`;
  const second = `3:${encodeFeedDeck(deckOf([new Types.ObjectId()]))}`;

  it('decodes a deck once while it is unchanged, and again when it changes', async () => {
    const store = storeReading([
      [first, '3'],
      [first, '3'],
      [second, '3'],
    ]);
    const a = await store.get(viewer, 'all');
    const b = await store.get(viewer, 'all');
    const c = await store.get(viewer, 'all');
    expect(a?.deck?.entries).toHaveLength(2);
    expect(b?.deck).toBe(a?.deck);
    expect(c?.deck?.entries).toHaveLength(1);
  });

  it('serves no deck built under another generation, even one decoded before', async () => {
    const store = storeReading([
      [first, '3'],
      [first, '4'],
    ]);
    expect((await store.get(viewer, 'all'))?.deck).not.toBeNull();
    expect(await store.get(viewer, 'all')).toEqual({ deck: null, generation: '4' });
  });
});

describe('FeedDeckStore.lastRead', () => {
  it('is the deck last read for the viewer and filter, whatever its generation; none before a read', async () => {
    const viewer = new Types.ObjectId();
    const encoded = `3:${encodeFeedDeck(deckOf([new Types.ObjectId()]))}`;
    const store = storeReading([[encoded, '3']]);
    expect(store.lastRead(viewer, 'all')).toBeNull();
    const read = await store.get(viewer, 'all');
    expect(store.lastRead(viewer, 'all')).toBe(read?.deck);
    expect(store.lastRead(viewer, 'other-filter')).toBeNull();
    expect(store.lastRead(new Types.ObjectId(), 'all')).toBeNull();
  });
});
