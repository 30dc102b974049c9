import type { Type } from '@nestjs/common';
import { BoundedMemo } from '../cache/bounded-memo';
import { memoisedForFrozen } from '../cache/frozen-memo';

/** Raw queries remembered per DTO class; a full table starts over (the common queries come back). */
export const MAX_QUERIES_PER_CLASS = 256;

type Primitive = string | number | boolean | null | undefined;
type MemoValue = Primitive | Primitive[];

const isPrimitive = (value: unknown): value is Primitive =>
  value === null || (typeof value !== 'object' && typeof value !== 'function');

const isMemoValue = (value: unknown): value is MemoValue =>
  isPrimitive(value) || (Array.isArray(value) && value.every(isPrimitive));

/**
 * The key of a raw query: its JSON, when it holds nothing but strings and lists of strings (what
 * the query parser produces); `undefined` for anything else, which is validated every time. A
 * frozen query cannot change, so its key is computed once.
 */
export function rawQueryKey(raw: unknown): string | undefined {
  return raw !== null && typeof raw === 'object' ? keyOfObject(raw) : undefined;
}

const keyOfObject = memoisedForFrozen((raw: object) => keyOf(raw));

function keyOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  if (Object.getPrototypeOf(raw) !== Object.prototype && Object.getPrototypeOf(raw) !== null) {
    return undefined;
  }
  for (const value of Object.values(raw)) {
    if (typeof value === 'string') continue;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) continue;
    return undefined;
  }
  return JSON.stringify(raw);
}

/** A copy of a validated DTO for one request: its own instance and its own lists. */
function copyOf<T extends object>(dto: T): T {
  const copy = Object.create(Object.getPrototypeOf(dto) as object) as Record<string, unknown>;
  for (const [field, value] of Object.entries(dto)) {
    copy[field] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }
  return copy as T;
}

/**
 * Validated query DTOs by class and raw query. A list route is asked the same few queries over and
 * over (`page=1&limit=10`), and validating one is a pure function of the class and the raw query:
 * what it gave once it gives again, so it is kept, and each request gets a copy. Only DTOs made of
 * primitives and lists of primitives are kept (a copy of anything else could be shared).
 */
export class ValidatedQueryMemo {
  private readonly byClass = new Map<Type, BoundedMemo<string, object>>();

  get<T extends object>(dtoClass: Type, key: string): T | undefined {
    const known = this.byClass.get(dtoClass)?.get(key) as T | undefined;
    return known && copyOf(known);
  }

  remember(dtoClass: Type, key: string, dto: unknown): void {
    if (dto === null || typeof dto !== 'object') return;
    if (!Object.values(dto).every(isMemoValue)) return;
    let table = this.byClass.get(dtoClass);
    if (!table) {
      table = new BoundedMemo(MAX_QUERIES_PER_CLASS);
      this.byClass.set(dtoClass, table);
    }
    table.set(key, copyOf(dto));
  }
}
