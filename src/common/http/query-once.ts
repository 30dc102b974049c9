import type { IncomingMessage } from 'node:http';
import parseUrl from 'parseurl';
import { BoundedMemo } from '../cache/bounded-memo';
import { PARSED_QUERY } from './message-shapes';

interface QueryingRequest extends IncomingMessage {
  [PARSED_QUERY]?: unknown;
}

/**
 * The query string Express's parser is given (`parseurl`'s, as Express reads it): what anything
 * derived from `req.query` may be kept by (`undefined`: none to key by). Not the text after the
 * URL's first `?`: in `/path#?a=1` that is `a=1`, while the parser sees no query at all.
 */
export function queryTextOf(req: IncomingMessage): string | undefined {
  const parsed = parseUrl(req);
  if (!parsed) return undefined;
  const { query } = parsed;
  if (query === null || query === undefined) return '';
  return typeof query === 'string' ? query : undefined;
}

/** Query strings up to this long share one parse per text (longer ones are parsed per request). */
export const MAX_SHARED_QUERY_LENGTH = 512;
/** Distinct query texts whose parse is kept; a full memo starts over. */
export const MAX_SHARED_QUERIES = 256;

/**
 * Makes `req.query` parse the query string once per request, and once per distinct text while it
 * is among the last {@link MAX_SHARED_QUERIES}: every request with that text gets the same object,
 * deeply frozen (a query naming a key that validation deletes is parsed per request). Express 5
 * parses it again on every read, and a feed page reads it three times (the input guard, the
 * guard's prefetch, Nest's `@Query()`); a list route is asked the same few query strings over and
 * over, and a frozen object lets what is derived from it be kept by identity (frozen-memo.ts). The query string never changes while a request is served
 * (routers rewrite only the path). The result is kept in a slot that `ApiRequest` declares, so
 * reading the query does not change the request's shape.
 */
export function installQueryParsedOnce(requestPrototype: object): void {
  const parse = inheritedGetter(requestPrototype, 'query');
  const shared = new BoundedMemo<string, unknown>(MAX_SHARED_QUERIES);
  const parseShared = (req: QueryingRequest): unknown => {
    const text = queryTextOf(req);
    if (text === undefined || text.length > MAX_SHARED_QUERY_LENGTH) return parse.call(req);
    let query = shared.get(text);
    if (query === undefined) {
      query = parse.call(req);
      // Validation deletes these keys from what it is given (prototype pollution): never shared.
      if (!shareable(query)) return query;
      shared.set(text, deepFreeze(query));
    }
    return query;
  };
  Object.defineProperty(requestPrototype, 'query', {
    configurable: true,
    enumerable: true,
    get(this: QueryingRequest): unknown {
      if (this[PARSED_QUERY] === undefined) this[PARSED_QUERY] = parseShared(this);
      return this[PARSED_QUERY];
    },
  });
}

/** Keys Nest's ValidationPipe deletes from the value it validates, wherever they are. */
const STRIPPED_KEYS = ['__proto__', 'prototype', 'constructor'];

function shareable(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.entries(value).every(
    ([key, inner]) => !STRIPPED_KEYS.includes(key) && shareable(inner),
  );
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

function inheritedGetter(object: object, name: string): (this: unknown) => unknown {
  for (let at: object | null = object; at; at = Object.getPrototypeOf(at) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(at, name);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with a request as `this`
    if (descriptor?.get) return descriptor.get as (this: unknown) => unknown;
  }
  throw new Error(`No getter named ${name} to wrap`);
}
