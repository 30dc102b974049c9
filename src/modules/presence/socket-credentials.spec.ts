import { handshakeTokens, SOCKET_COOKIE, socketCookie } from './socket-credentials';

describe('socket credentials', () => {
  it.each([
    { header: undefined, tokens: [] },
    { header: '', tokens: [] },
    { header: 'theme=dark', tokens: [] },
    { header: 'accessToken=A', tokens: ['A'] },
    { header: `${SOCKET_COOKIE}=S`, tokens: ['S'] },
    { header: `${SOCKET_COOKIE}=S; accessToken=A`, tokens: ['A', 'S'] }, // the browser's current login first
    { header: 'accessToken=; socketToken=S', tokens: ['S'] },
  ])('handshake tokens from "$header" are $tokens', ({ header, tokens }) => {
    expect(handshakeTokens(header)).toEqual(tokens);
  });

  it('the socket cookie is HttpOnly, follows the auth cookie flags, has no Path and lives in seconds', () => {
    expect(
      socketCookie('a.b.c', { secure: true, sameSite: 'strict', maxAgeMs: 30 * 86_400_000 }),
    ).toBe('socketToken=a.b.c; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict');
    expect(socketCookie('a.b.c', { secure: false, sameSite: 'lax', maxAgeMs: 1500 })).toBe(
      'socketToken=a.b.c; Max-Age=1; HttpOnly; SameSite=Lax',
    );
  });
});
