import { parse as parseCookies, serialize } from 'cookie';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { isObjectIdString } from '../../common/validation/object-id';
import { ACCESS_COOKIE } from '../auth/auth-cookies';

/**
 * The socket's own credential. The browser drops the access cookie when the token expires
 * (15 min) and the refresh cookie never reaches `/socket.io`, so without it a reconnect after a
 * network blip on an idle page would carry nothing. It is not a token of the HTTP API: a MAC over
 * the session and user ids under a key only for sockets, so it opens sockets only, and only while
 * that session of that user lives (the handshake checks both, as for an access token).
 *
 * It is bound to the session, not to a refresh generation: the socket cookie is set by socket
 * handshakes only, so a refresh in another tab would otherwise strand an idle tab's socket,
 * and a page holding a live session must always end up with a working socket.
 */
export const SOCKET_COOKIE = 'socketToken';

const VERSION = 's1';

export interface HandshakeCredentials {
  /** The browser's current access JWT (HTTP's credential; accepted until it expires). */
  accessToken?: string;
  /** The socket cookie. */
  socketToken?: string;
}

export function handshakeCredentials(cookieHeader: string | undefined): HandshakeCredentials {
  if (!cookieHeader) return {};
  const cookies = parseCookies(cookieHeader);
  const nonEmpty = (value: string | undefined) => (value ? value : undefined);
  return {
    accessToken: nonEmpty(cookies[ACCESS_COOKIE]),
    socketToken: nonEmpty(cookies[SOCKET_COOKIE]),
  };
}

/** The MAC key, derived from a server secret so that no other token can be passed off as one. */
export function socketCredentialKey(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, 'devlink', 'socket credential v1', 32));
}

export interface SocketSession {
  sessionId: string;
  userId: string;
}

function macOf(key: Buffer, { sessionId, userId }: SocketSession): Buffer {
  return createHmac('sha256', key).update(`${VERSION}:${sessionId}:${userId}`).digest();
}

export function mintSocketCredential(key: Buffer, session: SocketSession): string {
  const mac = macOf(key, session).toString('base64url');
  return `${VERSION}.${session.sessionId}.${session.userId}.${mac}`;
}

/** The session and user a socket credential names, when we minted it. */
export function sessionOfSocketCredential(key: Buffer, token: string): SocketSession | undefined {
  const [version, sessionId, userId, mac, ...rest] = token.split('.');
  if (version !== VERSION || rest.length > 0 || !mac) return undefined;
  if (!isObjectIdString(sessionId) || !isObjectIdString(userId)) return undefined;
  const given = Buffer.from(mac, 'base64url');
  const expected = macOf(key, { sessionId, userId });
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { sessionId, userId }
    : undefined;
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
