import {
  handshakeCredentials,
  mintSocketCredential,
  SOCKET_COOKIE,
  sessionOfSocketCredential,
  socketCookie,
  socketCredentialKey,
} from './socket-credentials';

describe('socket credentials', () => {
  it.each([
    { header: undefined, found: {} },
    { header: '', found: {} },
    { header: 'theme=dark', found: {} },
    { header: 'accessToken=A', found: { accessToken: 'A' } },
    { header: `${SOCKET_COOKIE}=S`, found: { socketToken: 'S' } },
    { header: `${SOCKET_COOKIE}=S; accessToken=A`, found: { accessToken: 'A', socketToken: 'S' } },
    { header: 'accessToken=; socketToken=S', found: { socketToken: 'S' } },
  ])('handshake credentials from "$header" are $found', ({ header, found }) => {
    expect(JSON.parse(JSON.stringify(handshakeCredentials(header)))).toEqual(found);
  });

  const key = socketCredentialKey('a-server-secret-of-at-least-32-bytes!!');
  const session = { sessionId: '64b0000000000000000000aa', userId: '64b0000000000000000000a1' };

  it('names the session and user it was minted for, under our key only', () => {
    const credential = mintSocketCredential(key, session);
    expect(sessionOfSocketCredential(key, credential)).toEqual(session);
    const otherKey = socketCredentialKey('another-server-secret-of-32-bytes!!!!');
    expect(sessionOfSocketCredential(otherKey, credential)).toBeUndefined();
  });

  it('is not a JWT and cannot be re-pointed at another session or user', () => {
    const credential = mintSocketCredential(key, session);
    const [version, sessionId, userId, mac] = credential.split('.');
    expect(version).toBe('s1');
    const other = '64b0000000000000000000bb';
    expect(sessionOfSocketCredential(key, [version, other, userId, mac].join('.'))).toBeUndefined();
    expect(
      sessionOfSocketCredential(key, [version, sessionId, other, mac].join('.')),
    ).toBeUndefined();
  });

  it.each([
    '',
    'garbage',
    's1.not-an-id.64b0000000000000000000a1.abc',
    's2.64b0000000000000000000aa.64b0000000000000000000a1.abc',
    's1.64b0000000000000000000aa.64b0000000000000000000a1.',
    's1.64b0000000000000000000aa.64b0000000000000000000a1.abc.def',
    'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ4In0.c2ln',
  ])('refuses "%s"', (token) => {
    expect(sessionOfSocketCredential(key, token)).toBeUndefined();
  });

  it('the socket cookie is HttpOnly, follows the auth cookie flags, has no Path and lives in seconds', () => {
    expect(
      socketCookie('s1.x.y', { secure: true, sameSite: 'strict', maxAgeMs: 30 * 86_400_000 }),
    ).toBe('socketToken=s1.x.y; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict');
    expect(socketCookie('s1.x.y', { secure: false, sameSite: 'lax', maxAgeMs: 1500 })).toBe(
      'socketToken=s1.x.y; Max-Age=1; HttpOnly; SameSite=Lax',
    );
  });
});
