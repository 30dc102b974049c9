import { parse as parseCookies, serialize } from 'cookie';
import { ACCESS_COOKIE } from '../auth/auth-cookies';

/**
 * The socket's own copy of the access JWT it authenticated with. The browser drops the access
 * cookie when the token expires (15 min) and the refresh cookie never reaches `/socket.io`, so
 * without this a reconnect after a network blip on an idle page would carry no credential at all.
 */
export const SOCKET_COOKIE = 'socketToken';

/** Tokens a handshake offers, best first: the browser's current access cookie, then the socket's. */
export function handshakeTokens(cookieHeader: string | undefined): string[] {
  if (!cookieHeader) return [];
  const cookies = parseCookies(cookieHeader);
  return [cookies[ACCESS_COOKIE], cookies[SOCKET_COOKIE]].filter(
    (token): token is string => typeof token === 'string' && token.length > 0,
  );
}

export interface SocketCookieOptions {
  secure: boolean;
  sameSite: 'strict' | 'lax' | 'none';
  maxAgeMs: number;
}

/**
 * `Set-Cookie` for the socket cookie. No `Path`: browsers then scope it to the directory of the
 * handshake URL (`/socket.io`, or `/api/socket.io` behind a prefix-stripping proxy), so it is
 * sent to the socket endpoint only, whatever public prefix the API has.
 */
export function socketCookie(token: string, options: SocketCookieOptions): string {
  return serialize(SOCKET_COOKIE, token, {
    httpOnly: true,
    secure: options.secure,
    sameSite: options.sameSite,
    maxAge: Math.floor(options.maxAgeMs / 1000),
  });
}
