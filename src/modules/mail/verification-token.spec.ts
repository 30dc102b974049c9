import {
  newVerificationNonce,
  verificationTokenFor,
  verificationTokenKey,
} from './verification-token';

describe('verification tokens', () => {
  const key = verificationTokenKey('server-secret-'.repeat(3));

  it('the API and the worker derive the same 64-hex token from the same secret and nonce', () => {
    const nonce = newVerificationNonce();
    const token = verificationTokenFor(key, nonce);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(verificationTokenFor(verificationTokenKey('server-secret-'.repeat(3)), nonce)).toBe(
      token,
    );
  });

  it('the nonce alone does not give the token: another secret derives another one', () => {
    const nonce = newVerificationNonce();
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(verificationTokenFor(verificationTokenKey('another-secret-'.repeat(3)), nonce)).not.toBe(
      verificationTokenFor(key, nonce),
    );
    expect(verificationTokenFor(key, nonce)).not.toContain(nonce);
  });

  it('the key is not the secret itself (tokens are not HMACs under the JWT key)', () => {
    const secret = 'server-secret-'.repeat(3);
    expect(key.equals(Buffer.from(secret))).toBe(false);
    expect(key).toHaveLength(32);
  });

  it('nonces do not repeat', () => {
    const nonces = new Set(Array.from({ length: 1000 }, newVerificationNonce));
    expect(nonces.size).toBe(1000);
  });
});
