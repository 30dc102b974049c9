import {
  isValidUnsubscribeSignature,
  listUnsubscribeHeaders,
  unsubscribeKey,
  unsubscribeSignature,
  unsubscribeUrl,
} from './unsubscribe-link';
import { preferencesOf, wantsEmails } from './email-preferences';

describe('one-click unsubscribe links', () => {
  const key = unsubscribeKey('a-server-secret-of-some-length');
  const userId = '65a1b2c3d4e5f60718293a4b';

  it('signs one user and one list: another user, list or key does not verify', () => {
    const sig = unsubscribeSignature(key, userId, 'digest');
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isValidUnsubscribeSignature(key, userId, 'digest', sig)).toBe(true);
    expect(isValidUnsubscribeSignature(key, userId, 'missedMessages', sig)).toBe(false);
    expect(isValidUnsubscribeSignature(key, '65a1b2c3d4e5f60718293a4c', 'digest', sig)).toBe(false);
    const otherKey = unsubscribeKey('another-server-secret-entirely');
    expect(isValidUnsubscribeSignature(otherKey, userId, 'digest', sig)).toBe(false);
    expect(isValidUnsubscribeSignature(key, userId, 'digest', sig.slice(1))).toBe(false);
    expect(isValidUnsubscribeSignature(key, userId, 'digest', '')).toBe(false);
  });

  it('builds the URL on the public API base and the RFC 8058 headers', () => {
    const url = unsubscribeUrl('https://api.test/v1', key, userId, 'missedMessages');
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://api.test/v1/notifications/unsubscribe');
    expect(parsed.searchParams.get('user')).toBe(userId);
    expect(parsed.searchParams.get('list')).toBe('missedMessages');
    expect(
      isValidUnsubscribeSignature(key, userId, 'missedMessages', parsed.searchParams.get('sig')!),
    ).toBe(true);
    expect(listUnsubscribeHeaders(url)).toEqual({
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});

describe('notification preferences', () => {
  it('every list is on until turned off', () => {
    expect(preferencesOf(undefined)).toEqual({ digest: true, missedMessages: true });
    expect(preferencesOf({ digest: false })).toEqual({ digest: false, missedMessages: true });
    expect(wantsEmails({ missedMessages: false }, 'missedMessages')).toBe(false);
    expect(wantsEmails(null, 'digest')).toBe(true);
  });
});
