import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { EmailList } from './email-preferences';

/**
 * One-click unsubscribe (RFC 8058). Each optional email carries a link to the API that turns
 * one list off for one user without a login: the link is authenticated by an HMAC of
 * (user, list) under a key only the server holds, so it cannot be forged for someone else and
 * can do nothing but turn that one list off.
 */

export const UNSUBSCRIBE_PATH = '/notifications/unsubscribe';

/** The HMAC key: HKDF of the access-token secret, so it signs nothing else. */
export function unsubscribeKey(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, '', 'devlink/unsubscribe-link', 32));
}

/** base64url HMAC-SHA256 of `userId:list` (43 characters). */
export function unsubscribeSignature(key: Buffer, userId: string, list: EmailList): string {
  return createHmac('sha256', key).update(`${userId}:${list}`, 'utf8').digest('base64url');
}

/** Constant-time check of a signature taken from a request. */
export function isValidUnsubscribeSignature(
  key: Buffer,
  userId: string,
  list: EmailList,
  signature: string,
): boolean {
  const expected = Buffer.from(unsubscribeSignature(key, userId, list), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The link: `apiUrl` is the API's public base (PUBLIC_API_URL, prefix included). */
export function unsubscribeUrl(apiUrl: string, key: Buffer, userId: string, list: EmailList) {
  const query = new URLSearchParams({
    user: userId,
    list,
    sig: unsubscribeSignature(key, userId, list),
  });
  return `${apiUrl}${UNSUBSCRIBE_PATH}?${query.toString()}`;
}

/**
 * The headers that let a mail client offer "Unsubscribe" and call it with a POST of
 * `List-Unsubscribe=One-Click` (RFC 8058 §3.1): no login, no confirmation page.
 */
export function listUnsubscribeHeaders(url: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
