import type { IncomingMessage } from 'node:http';
import parseUrl from 'parseurl';
import { PARSED_QUERY } from './message-shapes';
import { installQueryParsedOnce, MAX_SHARED_QUERY_LENGTH } from './query-once';

/** A prototype chain like Express's: the parsing getter on the parent, ours on the child. */
function requestPrototype() {
  const parse = jest.fn(function (this: IncomingMessage) {
    const query = parseUrl(this)?.query;
    return Object.fromEntries(new URLSearchParams(typeof query === 'string' ? query : ''));
  });
  const parent = {};
  Object.defineProperty(parent, 'query', { configurable: true, enumerable: true, get: parse });
  const prototype = Object.create(parent) as object;
  installQueryParsedOnce(prototype);
  return { prototype, parse };
}

function request(prototype: object, url: string) {
  const req = Object.create(prototype) as { url: string; query: unknown; [PARSED_QUERY]?: unknown };
  req.url = url;
  req[PARSED_QUERY] = undefined; // declared at birth, as ApiRequest does
  return req;
}

describe('installQueryParsedOnce', () => {
  it("parses a request's query on its first read only, and gives every read the same object", () => {
    const { prototype, parse } = requestPrototype();
    const req = request(prototype, '/user/feed?page=1&limit=10');

    const first = req.query;
    expect(req.query).toBe(first);
    expect(first).toEqual({ page: '1', limit: '10' });
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('gives requests with the same query text one frozen parse', () => {
    const { prototype, parse } = requestPrototype();
    const one = request(prototype, '/user/feed?page=1&skills=a&skills=b');
    const two = request(prototype, '/user/connections?page=1&skills=a&skills=b');

    expect(two.query).toBe(one.query);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(Object.isFrozen(one.query)).toBe(true);
    expect(Object.isFrozen((one.query as { skills: string[] }).skills)).toBe(true);
  });

  it('keys the shared parse by the text the parser is given: a "#" before the "?" is no query', () => {
    const { prototype } = requestPrototype();
    // The stand-in parser below sees what parseurl gives Express: no query after a fragment mark.
    const hashed = request(prototype, '/user/feed#?page=2&limit=10');
    const real = request(prototype, '/user/feed?page=2&limit=10');

    expect(hashed.query).toEqual({});
    expect(real.query).toEqual({ page: '2', limit: '10' });
  });

  it('parses per request a query naming a key that validation deletes, and leaves it unfrozen', () => {
    const { prototype, parse } = requestPrototype();
    const one = request(prototype, '/user/feed?constructor=x&page=1');
    const two = request(prototype, '/user/feed?constructor=x&page=1');

    expect(one.query).toEqual({ constructor: 'x', page: '1' });
    expect(two.query).not.toBe(one.query);
    expect(Object.isFrozen(one.query)).toBe(false);
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('parses a query longer than the shared limit per request', () => {
    const { prototype, parse } = requestPrototype();
    const url = `/user/feed?skills=${'a'.repeat(MAX_SHARED_QUERY_LENGTH)}`;

    expect(request(prototype, url).query).not.toBe(request(prototype, url).query);
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('keeps requests apart', () => {
    const { prototype, parse } = requestPrototype();
    const one = request(prototype, '/user/feed?page=1');
    const two = request(prototype, '/user/feed?page=2');

    expect([one.query, two.query]).toEqual([{ page: '1' }, { page: '2' }]);
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('refuses a prototype without a query getter to wrap', () => {
    expect(() => installQueryParsedOnce({})).toThrow('No getter named query to wrap');
  });
});
