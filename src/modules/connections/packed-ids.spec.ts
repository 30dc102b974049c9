import { Types } from 'mongoose';
import { LOOKUP_MIN_SIZE, PackedIds } from './packed-ids';

const hex = (n: number) => n.toString(16).padStart(24, '0');

describe('PackedIds', () => {
  it('answers membership exactly, sorted (binary search) or stored unsorted (scan)', () => {
    const members = Array.from({ length: 300 }, () => new Types.ObjectId().toHexString());
    const others = Array.from({ length: 300 }, () => new Types.ObjectId().toHexString());
    const sorted = PackedIds.of(members);
    const unsorted = PackedIds.fromPacked(members.join(''), false);
    for (const ids of [sorted, unsorted]) {
      expect(members.every((id) => ids.has(id))).toBe(true);
      expect(others.some((id) => ids.has(id))).toBe(false);
    }
    expect(sorted.hexIds()).toEqual([...members].sort());
  });

  it('never matches across id boundaries', () => {
    // Two ids whose halves, read across the boundary, spell a third.
    const first = 'aaaaaaaaaaaabbbbbbbbbbbb';
    const second = 'bbbbbbbbbbbbaaaaaaaaaaaa';
    const across = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    expect(PackedIds.fromPacked(first + second, false).has(across)).toBe(false);
    expect(PackedIds.fromPacked(first + second + across, false).has(across)).toBe(true);
    expect(PackedIds.of([first, second]).has(across)).toBe(false);
    expect(PackedIds.of([hex(1)]).has(hex(1).slice(0, 23))).toBe(false);
  });

  it('round-trips ObjectIds and hex strings, and refuses a packing that is not whole ids', () => {
    const objectId = new Types.ObjectId();
    const ids = PackedIds.of([objectId, hex(7).toUpperCase()]);
    expect(ids.size).toBe(2);
    expect(ids.has(hex(7))).toBe(true);
    expect(ids.objectIds().map(String).sort()).toEqual([objectId.toHexString(), hex(7)].sort());
    expect(PackedIds.fromPacked(ids.packed, true).hexIds()).toEqual(ids.hexIds());
    expect(() => PackedIds.fromPacked('abc', true)).toThrow('not a list of hex ids');
    expect(PackedIds.EMPTY.size).toBe(0);
    expect(PackedIds.EMPTY.has(hex(1))).toBe(false);
  });

  it('answers the same once asked often enough to keep a lookup set', () => {
    const members = Array.from({ length: LOOKUP_MIN_SIZE * 2 }, () =>
      new Types.ObjectId().toHexString(),
    );
    const others = Array.from({ length: 50 }, () => new Types.ObjectId().toHexString());
    for (const ids of [PackedIds.of(members), PackedIds.fromPacked(members.join(''), false)]) {
      for (let round = 0; round < 3; round++) {
        expect(members.every((id) => ids.has(id))).toBe(true);
        expect(others.some((id) => ids.has(id))).toBe(false);
        expect(ids.has(members[0].slice(0, 23))).toBe(false);
        expect(ids.has(members[0].toUpperCase())).toBe(members[0] === members[0].toUpperCase());
      }
      expect(ids.size).toBe(members.length);
    }
  });
});
