import { Types } from 'mongoose';

const HEX_ID_LENGTH = 24;
/** Shorter lists are searched in place for good (a set would not pay for itself). */
export const LOOKUP_MIN_SIZE = 32;

/**
 * A set of ObjectIds kept as their lower-case hex strings, sorted and run together. A feed page
 * asks a few dozen "is this one excluded?" of a list that can hold hundreds: a binary search over
 * the fixed-width slots answers each in a handful of comparisons, without splitting the list into
 * strings and hashing them into a Set on every request (the feed's largest cost in our own code).
 * A packing stored unsorted (`sorted: false`) is searched linearly, on id boundaries.
 */
export class PackedIds {
  /**
   * Built once a list of at least {@link LOOKUP_MIN_SIZE} ids has answered a quarter of its size
   * in questions: a cached list answers every feed page of its viewer, and seeded or same-process
   * ids share their first 18 hex digits, which each probe of the search compares again.
   */
  private lookup: Set<string> | undefined = undefined;
  private questions = 0;

  private constructor(
    readonly packed: string,
    readonly sorted: boolean,
  ) {}

  static readonly EMPTY = new PackedIds('', true);

  /** From a stored packing; throws if its length is not a whole number of ids. */
  static fromPacked(packed: string, sorted: boolean): PackedIds {
    if (packed.length % HEX_ID_LENGTH !== 0) throw new Error('not a list of hex ids');
    return new PackedIds(packed, sorted);
  }

  static of(ids: Iterable<string | Types.ObjectId>): PackedIds {
    const hex: string[] = [];
    for (const id of ids) hex.push(typeof id === 'string' ? id.toLowerCase() : id.toHexString());
    return new PackedIds(hex.sort().join(''), true);
  }

  get size(): number {
    return this.packed.length / HEX_ID_LENGTH;
  }

  has(hexId: string): boolean {
    if (hexId.length !== HEX_ID_LENGTH) return false;
    if (this.lookup) return this.lookup.has(hexId);
    if (this.size >= LOOKUP_MIN_SIZE && ++this.questions > this.size / 4) {
      this.lookup = new Set(this.hexIds());
      return this.lookup.has(hexId);
    }
    return this.sorted ? this.search(hexId) : this.scan(hexId);
  }

  hexIds(): string[] {
    const ids: string[] = [];
    for (let at = 0; at < this.packed.length; at += HEX_ID_LENGTH) {
      ids.push(this.packed.slice(at, at + HEX_ID_LENGTH));
    }
    return ids;
  }

  objectIds(): Types.ObjectId[] {
    return this.hexIds().map((id) => new Types.ObjectId(id));
  }

  private search(hexId: string): boolean {
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.compareAt(middle * HEX_ID_LENGTH, hexId);
      if (order === 0) return true;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  /** The id at `at` against `hexId`, character by character: no slice of the packing per probe. */
  private compareAt(at: number, hexId: string): number {
    for (let i = 0; i < HEX_ID_LENGTH; i++) {
      const difference = this.packed.charCodeAt(at + i) - hexId.charCodeAt(i);
      if (difference !== 0) return difference;
    }
    return 0;
  }

  private scan(hexId: string): boolean {
    for (let at = this.packed.indexOf(hexId); at !== -1; at = this.packed.indexOf(hexId, at + 1)) {
      if (at % HEX_ID_LENGTH === 0) return true;
    }
    return false;
  }
}
