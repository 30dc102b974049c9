import { parse } from 'cookie';
import { PARSED_COOKIES } from './message-shapes';

interface CookiedRequest {
  headers: { cookie?: string };
  [PARSED_COOKIES]?: unknown;
}

/**
 * Gives every request of an Express app a `cookies` property that parses the Cookie header the
 * first time it is read, as Express 5 does for `req.query`. cookie-parser parsed and attached it
 * (plus `secret` and `signedCookies`, which we never use) on every request, including the many
 * that never look at a cookie. Assigning `req.cookies` still works and wins. The result is kept
 * in a slot that `ApiRequest` declares, so reading cookies does not change the request's shape.
 */
export function installLazyCookies(requestPrototype: object): void {
  Object.defineProperty(requestPrototype, 'cookies', {
    configurable: true,
    enumerable: true,
    get(this: CookiedRequest): unknown {
      if (this[PARSED_COOKIES] === undefined) {
        const header = this.headers.cookie;
        this[PARSED_COOKIES] = header ? parse(header) : {};
      }
      return this[PARSED_COOKIES];
    },
    set(this: CookiedRequest, value: unknown) {
      this[PARSED_COOKIES] = value;
    },
  });
}
