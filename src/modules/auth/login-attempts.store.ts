import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { retryAfterFields } from '../../common/throttling/rate-limit-response';
import { LOGIN_LIMITS, loginDecision, type LoginCounts } from './login-attempts';
import { sha256Hex } from './token.service';

// One round trip, atomic: provisionally count a failure for the address and the account (each
// counter's fixed window starts at its first count) and read whether the address is known to the
// account. Returns each count with its window's ms left.
const COUNT = `
local function count(key)
  local n = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then redis.call('PEXPIRE', key, ARGV[1]); ttl = tonumber(ARGV[1]) end
  return { n, ttl }
end
local addressFailures = count(KEYS[1])
local accountFailures = count(KEYS[2])
local seen = redis.call('ZSCORE', KEYS[3], ARGV[2])
local known = 0
if seen and tonumber(seen) > tonumber(ARGV[3]) - tonumber(ARGV[4]) then known = 1 end
return { addressFailures[1], addressFailures[2], accountFailures[1], accountFailures[2], known }`;

// A refused attempt checked no password: take its provisional failures back.
const RELEASE = `
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0`;

// The right password: not a failure for the address, the account's failures start over, and the
// address becomes known to the account (newest kept, older than the period dropped).
const SUCCEEDED = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
redis.call('DEL', KEYS[2])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -1 - tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 0`;

/** An attempt that may check its password; report how it ended with `succeeded`. */
export interface LoginAttempt {
  keys: { addressFailures: string; accountFailures: string; known: string };
  addressId: string;
}

/**
 * Login failure counters in Redis (shared by every API instance), under the app's key prefix:
 * `login:failures:ip:<ip>`, `login:failures:account:<sha256(email)>`
 * (15-minute windows) and `login:known:<sha256(email)>` (addresses, hashed, that logged in within
 * 30 days). Emails and remembered addresses are stored hashed. Decisions are
 * {@link loginDecision}'s. A Redis outage fails the login (503), as the other auth limits do.
 */
@Injectable()
export class LoginAttemptsStore {
  private readonly logger = new Logger(LoginAttemptsStore.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Counts the attempt as a failure until told otherwise; throws the 429 when a limit refuses it. */
  async begin(clientIp: string, emailId: string, nowMs = Date.now()): Promise<LoginAttempt> {
    const account = sha256Hex(emailId);
    const attempt: LoginAttempt = {
      keys: {
        addressFailures: `login:failures:ip:${clientIp}`,
        accountFailures: `login:failures:account:${account}`,
        known: `login:known:${account}`,
      },
      addressId: sha256Hex(clientIp),
    };
    const [ipFailures, ipFailuresTtl, failures, failuresTtl, known] = (await this.redis.eval(
      COUNT,
      3,
      attempt.keys.addressFailures,
      attempt.keys.accountFailures,
      attempt.keys.known,
      String(LOGIN_LIMITS.windowMs),
      attempt.addressId,
      String(nowMs),
      String(LOGIN_LIMITS.knownAddressMs),
    )) as number[];
    const counts: LoginCounts = {
      addressFailures: { count: ipFailures, ttlMs: ipFailuresTtl },
      accountFailures: { count: failures, ttlMs: failuresTtl },
      knownAddress: known === 1,
    };
    const decision = loginDecision(counts);
    if (decision.allowed) return attempt;

    await this.redis
      .eval(RELEASE, 2, attempt.keys.addressFailures, attempt.keys.accountFailures)
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'Login attempt release failed', err: error }),
      );
    this.logger.log({ msg: 'Login refused (rate limit)', limits: decision.limits });
    const extra = retryAfterFields(decision.retryAfterSeconds, nowMs);
    throw new AppError(
      COMMON_ERRORS.tooManyAttempts,
      COMMON_ERRORS.tooManyAttempts.message(extra.retryAfter),
      extra,
    );
  }

  /**
   * The password was right. A failure to record it only logs: the caller has proved the
   * password, and the worst outcome is a count that ends with its window.
   */
  async succeeded(attempt: LoginAttempt, nowMs = Date.now()): Promise<void> {
    const { addressFailures, accountFailures, known } = attempt.keys;
    try {
      await this.redis.eval(
        SUCCEEDED,
        3,
        addressFailures,
        accountFailures,
        known,
        attempt.addressId,
        String(nowMs),
        String(LOGIN_LIMITS.knownAddressMs),
        String(LOGIN_LIMITS.knownAddressesKept),
      );
    } catch (error) {
      this.logger.warn({ msg: 'Login success not recorded in the attempt counters', err: error });
    }
  }
}
