/** Secrets we generate ourselves: random bytes, so at least 32 of them (a SHA-256 block key). */
export const MIN_SECRET_BYTES = 32;

/** Token secrets: signed by us, so length is up to us. */
const GENERATED = ['ACCESS_TOKEN_SECRET_KEY', 'REFRESH_TOKEN_SECRET_KEY'] as const;

/** Other credentials: their length is set by whoever issues them, but a placeholder is never right. */
const ISSUED = [
  'RAZORPAY_KEY_SECRET',
  'RAZORPAY_WEBHOOK_SECRET',
  'RESEND_API_KEY',
  'METRICS_TOKEN',
  'ADMIN_PASSWORD',
] as const;

type SecretName = (typeof GENERATED)[number] | (typeof ISSUED)[number];

/** Values copied from documentation rather than generated: `change-me-…`, `your-secret`, `<…>`. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|your[-_ ]|example|^<.*>$|^x+$/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

/**
 * What is wrong with the secrets of a production environment, one message per variable: a
 * placeholder (e.g. `.env.example`'s, which are public) or, for the token secrets, fewer than
 * {@link MIN_SECRET_BYTES} bytes. Unset optional credentials are not checked here.
 */
export function productionSecretProblems(
  env: Partial<Record<SecretName, string | undefined>>,
): string[] {
  const problems: string[] = [];
  for (const name of [...GENERATED, ...ISSUED]) {
    const value = env[name];
    if (!value) continue;
    if (isPlaceholder(value)) {
      problems.push(
        `${name} is a placeholder; in production set a secret of your own (e.g. openssl rand -hex 32)`,
      );
    } else if (
      (GENERATED as readonly string[]).includes(name) &&
      Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES
    ) {
      problems.push(
        `${name} must be at least ${MIN_SECRET_BYTES} bytes in production (e.g. openssl rand -hex 32)`,
      );
    }
  }
  return problems;
}
