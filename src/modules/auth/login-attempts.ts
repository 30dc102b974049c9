/**
 * Login limits, as rules without Redis (login-attempts.store.ts counts, this decides).
 *
 * Failures are what a guesser produces, so failures are what is limited: per account (by the
 * normalised email, whether or not an account has it, so a 429 never tells whether one exists)
 * and per address. Correct logins do not count toward either, so an office or a mobile carrier
 * behind one address never locks its own users out; every attempt only counts toward the route's
 * much higher per-address ceiling against floods (`RATE_LIMITS.login`, which also counts
 * malformed requests). A correct password resets the account's failures.
 *
 * A guesser spread over many addresses can still lock an account for everyone. Addresses that
 * logged into the account with its password in the last 30 days keep trying through that lock
 * (the per-address limits still apply to them), so its owner usually still gets in from home or
 * work; a new device on a new network waits for the window to end.
 */

const MINUTE = 60_000;

export const LOGIN_LIMITS = {
  /** Fixed window of every counter, from its first count. */
  windowMs: 15 * MINUTE,
  accountFailures: 10,
  addressFailures: 20,
  /** How long a successful login keeps its address known to the account. */
  knownAddressMs: 30 * 24 * 60 * MINUTE,
  /** Known addresses kept per account (the most recent). */
  knownAddressesKept: 20,
} as const;

export type LoginLimit = 'accountFailures' | 'addressFailures';

/** One counter after this attempt was counted, and the milliseconds left in its window. */
export interface WindowCount {
  count: number;
  ttlMs: number;
}

/**
 * The failure counters as this attempt left them: it is provisionally counted as a failure (taken
 * back when it is refused or the password is right), so concurrent guesses can never slip past a
 * limit between a read and a write.
 */
export interface LoginCounts {
  accountFailures: WindowCount;
  addressFailures: WindowCount;
  /** This address logged into this account recently (see `knownAddressMs`). */
  knownAddress: boolean;
}

export type LoginDecision =
  { allowed: true } | { allowed: false; limits: LoginLimit[]; retryAfterSeconds: number };

/**
 * Whether this attempt may check a password. Refused when it would be a failure past a limit
 * (the 11th failure for the account, the 21st for the address); a known address is not held by
 * the account's limit. The retry time is when every exceeded window has ended.
 */
export function loginDecision(
  counts: LoginCounts,
  limits: Readonly<Record<LoginLimit, number>> = LOGIN_LIMITS,
): LoginDecision {
  const exceeded: LoginLimit[] = [];
  if (counts.accountFailures.count > limits.accountFailures && !counts.knownAddress) {
    exceeded.push('accountFailures');
  }
  if (counts.addressFailures.count > limits.addressFailures) exceeded.push('addressFailures');
  if (exceeded.length === 0) return { allowed: true };
  const ttlMs = Math.max(...exceeded.map((limit) => counts[limit].ttlMs));
  return { allowed: false, limits: exceeded, retryAfterSeconds: Math.ceil(ttlMs / 1000) };
}
