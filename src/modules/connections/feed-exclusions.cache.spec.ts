import { Types } from 'mongoose';
import { IGNORE_EXPIRY_MS } from './connection.schema';
import type { GraphEdge } from './connection-graph.cache';
import { feedExclusionsOf } from './feed-exclusions.cache';
import { PackedIds } from './packed-ids';

const now = new Date('2026-12-04T12:00:00.000Z');
const DAY = 24 * 60 * 60_000;
const edge = (other: number, status: GraphEdge['status'], ageMs: number): GraphEdge => ({
  _id: new Types.ObjectId(),
  otherId: new Types.ObjectId(other.toString(16).padStart(24, '0')),
  status,
  outgoing: true,
  createdAt: new Date(now.getTime() - ageMs),
});

describe('feedExclusionsOf', () => {
  it('excludes everyone but expired ignores, and holds until the oldest live ignore expires', () => {
    const edges = [
      edge(1, 'accepted', 90 * DAY),
      edge(2, 'ignored', 31 * DAY), // expired: back in the feed
      edge(3, 'ignored', 10 * DAY),
      edge(4, 'ignored', 20 * DAY),
      edge(5, 'interested', 40 * DAY),
    ];
    const { ids, validUntil } = feedExclusionsOf(edges, now);
    expect(ids.hexIds()).toEqual([1, 3, 4, 5].map((n) => n.toString(16).padStart(24, '0')));
    expect(validUntil).toBe(now.getTime() - 20 * DAY + IGNORE_EXPIRY_MS);
  });

  it('without ignores the list holds until the graph changes', () => {
    expect(feedExclusionsOf([edge(1, 'rejected', DAY)], now).validUntil).toBe(Infinity);
    expect(feedExclusionsOf([], now)).toEqual({ ids: PackedIds.EMPTY, validUntil: Infinity });
  });

  it('adds users blocked by or blocking the viewer; blocks never expire the list', () => {
    const hex = (n: number) => n.toString(16).padStart(24, '0');
    const { ids, validUntil } = feedExclusionsOf([edge(1, 'accepted', DAY)], now, [hex(9), hex(7)]);
    expect(ids.hexIds()).toEqual([hex(1), hex(7), hex(9)]);
    expect(ids.has(hex(9))).toBe(true);
    expect(validUntil).toBe(Infinity);
  });
});
