/**
 * Values derived from a key, kept in process up to `capacity`; a full memo starts over. Starting
 * over replaces the map instead of clearing it: a cleared map keeps what it held alive through
 * young collections (docs/performance.md, "Replaced hash tables that kept every request alive").
 * `undefined` is not a value (it reads as "not kept").
 */
export class BoundedMemo<K, V> {
  private entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.capacity) this.entries = new Map();
    this.entries.set(key, value);
  }
}
