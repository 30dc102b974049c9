import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Email-verification tokens that never travel through the queue. The API picks a random nonce,
 * stores the SHA-256 of the token it derives from it and queues only the nonce; the worker
 * derives the same token to build the link. Queue data (kept after completion, shown in the
 * dashboard) is therefore useless without the server secret.
 */

/** The HMAC key for tokens: HKDF of the access-token secret, so it signs nothing else. */
export function verificationTokenKey(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, '', 'devlink/email-verification-token', 32));
}

/** 128 random bits, hex: what the job carries. */
export function newVerificationNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The token of the link (64 hex characters): HMAC-SHA256 of the nonce. */
export function verificationTokenFor(key: Buffer, nonce: string): string {
  return createHmac('sha256', key).update(nonce, 'utf8').digest('hex');
}
