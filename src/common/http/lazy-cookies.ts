import { parse } from 'cookie';

/**
 * Gives every request of an Express app a `cookies` property that parses the Cookie header the
 * first time it is read, as Express 5 does for `req.query`. cookie-parser parsed and attached it
 * (plus `secret` and `signedCookies`, which we never use) on every request, including the many
 * that never look at a cookie. Assigning `req.cookies` still works and wins.
 */
export function installLazyCookies(requestPrototype: object): void {
  Object.defineProperty(requestPrototype, 'cookies', {
    configurable: true,
    enumerable: true,
    get(this: { headers: { cookie?: string } }): Record<string, string | undefined> {
      const header = this.headers.cookie;
      const cookies = header ? parse(header) : {};
      ownValue(this, cookies);
      return cookies;
    },
    set(this: object, value: unknown) {
      ownValue(this, value);
    },
  });
}

function ownValue(request: object, value: unknown): void {
  Object.defineProperty(request, 'cookies', {
    value,
    writable: true,
    configurable: true,
    enumerable: true,
  });
}
