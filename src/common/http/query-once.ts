import { PARSED_QUERY } from './message-shapes';

interface QueryingRequest {
  [PARSED_QUERY]?: unknown;
}

/**
 * Makes `req.query` parse the query string once per request. Express 5 parses it again on every
 * read, and a feed page reads it three times (the input guard, the guard's prefetch, Nest's
 * `@Query()`). The query string itself never changes while a request is served (routers rewrite
 * only the path), so the first parse stands. The result is kept in a slot that `ApiRequest`
 * declares, so reading the query does not change the request's shape.
 */
export function installQueryParsedOnce(requestPrototype: object): void {
  const parse = inheritedGetter(requestPrototype, 'query');
  Object.defineProperty(requestPrototype, 'query', {
    configurable: true,
    enumerable: true,
    get(this: QueryingRequest): unknown {
      if (this[PARSED_QUERY] === undefined) this[PARSED_QUERY] = parse.call(this);
      return this[PARSED_QUERY];
    },
  });
}

function inheritedGetter(object: object, name: string): (this: unknown) => unknown {
  for (let at: object | null = object; at; at = Object.getPrototypeOf(at) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(at, name);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with a request as `this`
    if (descriptor?.get) return descriptor.get as (this: unknown) => unknown;
  }
  throw new Error(`No getter named ${name} to wrap`);
}
