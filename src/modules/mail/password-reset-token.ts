import { hkdfSync } from 'node:crypto';

/**
 * Password-reset links work like verification links (verification-token.ts): the job carries a
 * nonce, the token is its HMAC (`verificationTokenFor` with this key), and only the token's
 * SHA-256 is stored. A key of its own, so a reset token can never pass as a verification token.
 */
export function passwordResetTokenKey(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, '', 'devlink/password-reset-token', 32));
}
