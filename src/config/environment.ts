import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { productionSecretProblems } from './production-secrets';

const DURATION = /^\d+(ms|s|m|h|d)$/;
const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === 'true' || value === '1';
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** The raw environment, as variables. Validated once at boot by {@link validateEnvironment}. */
export class Environment {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGODB_URI must be a mongodb:// URI' })
  MONGODB_URI!: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, {
    message: 'MONGODB_DB_NAME must be 1-63 letters, digits, _ or -',
  })
  MONGODB_DB_NAME?: string;

  @IsString()
  @MinLength(16, { message: 'ACCESS_TOKEN_SECRET_KEY must be at least 16 characters' })
  ACCESS_TOKEN_SECRET_KEY!: string;

  @IsString()
  @MinLength(16, { message: 'REFRESH_TOKEN_SECRET_KEY must be at least 16 characters' })
  REFRESH_TOKEN_SECRET_KEY!: string;

  @IsOptional()
  @Matches(DURATION, { message: 'ACCESS_TOKEN_EXPIRY must look like 15m, 900s or 1h' })
  ACCESS_TOKEN_EXPIRY = '15m';

  @IsOptional()
  @Matches(DURATION, { message: 'REFRESH_TOKEN_EXPIRY must look like 30d or 720h' })
  REFRESH_TOKEN_EXPIRY = '30d';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @Matches(/[^/]$/, { message: 'FRONTEND_URL must not end with a slash' })
  FRONTEND_URL?: string;

  /**
   * Where the API is reached from outside (scheme, host, and the global prefix if any): the base of
   * links that call the API itself, such as one-click unsubscribe. Default: localhost on PORT.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @Matches(/[^/]$/, { message: 'PUBLIC_API_URL must not end with a slash' })
  PUBLIC_API_URL?: string;

  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean()
  COOKIE_SECURE = true;

  @IsOptional()
  @IsIn(['strict', 'lax', 'none'])
  COOKIE_SAME_SITE: 'strict' | 'lax' | 'none' = 'strict';

  /** bcrypt work factor; each +1 doubles the cost of signup, login and password change. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(15)
  BCRYPT_COST = 11;

  @IsOptional()
  @Matches(/^\/\S*$/, { message: 'REFRESH_COOKIE_PATH must start with /' })
  REFRESH_COOKIE_PATH = '/auth';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9/_-]+$/, { message: 'GLOBAL_PREFIX may hold letters, digits, / _ -' })
  GLOBAL_PREFIX?: string;

  /**
   * Reverse proxies in front of the API whose X-Forwarded-For entries are trusted (client IP for
   * rate limits). 0 by default: a client reaching the API directly must not pick its own IP.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS = 0;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  REDIS_HOST = '127.0.0.1';

  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  REDIS_PORT = 6379;

  @IsOptional()
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, {
    message: 'REDIS_KEY_PREFIX must be 1-64 of A-Z a-z 0-9 : _ -',
  })
  REDIS_KEY_PREFIX = 'devlink';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  RAZORPAY_KEY_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  RAZORPAY_KEY_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  RAZORPAY_WEBHOOK_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  RAZORPAY_API_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  RESEND_API_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  RESEND_BASE_URL?: string;

  @IsOptional()
  @IsString()
  FROM_EMAIL = 'noreply@linkdev.online';

  @IsOptional()
  @IsString()
  MAIL_OUTBOX_DIR = '.data/outbox';

  /** First retry delay of a failed email (exponential: ×1, ×2). Tests shorten it. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(10)
  MAIL_RETRY_DELAY_MS = 5000;

  /**
   * How long a worker's lock on an email job lasts (renewed at half of it) and how often workers
   * look for jobs whose worker died: a job held by a killed worker is retried (same idempotency
   * key, so never sent twice) within at most three times this. Tests shorten it.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1000)
  MAIL_LOCK_DURATION_MS = 30000;

  /** Chat messages one user may send per 10 s, across all instances (benchmarks raise it). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  CHAT_SEND_LIMIT = 20;

  /** Presence heartbeat: each instance re-marks its sockets live in Redis this often. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(100)
  PRESENCE_HEARTBEAT_MS = 10_000;

  /** A socket not re-marked for this long (its instance died) no longer counts as online. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(300)
  PRESENCE_TTL_MS = 30_000;

  /** How often each instance removes expired sockets and announces `userOffline` for them. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(100)
  PRESENCE_SWEEP_MS = 10_000;

  /** Events one socket may send per second (token bucket refill), across all events. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  SOCKET_EVENTS_PER_SECOND = 20;

  /** Events one socket may send at once before the per-second rate applies (bucket size). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  SOCKET_EVENT_BURST = 40;

  /** Largest socket frame (engine.io maxHttpBufferSize); a bigger one closes that connection. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(4096)
  @Max(1_000_000)
  SOCKET_MAX_PAYLOAD_BYTES = 16_384;

  /** Bound sockets one user may hold across instances; a new one disconnects the oldest. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  SOCKET_MAX_PER_USER = 10;

  /** Handshakes without a signed credential admitted per client IP per minute, per instance. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  SOCKET_ANON_HANDSHAKES_PER_IP_PER_MINUTE = 60;

  /** Handshakes without a signed credential admitted per second in all, per instance. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  SOCKET_ANON_HANDSHAKES_PER_SECOND = 50;

  /** A parked socket that never authenticated has its transport closed after this long. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1000)
  SOCKET_PARKED_IDLE_MS = 120_000;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean()
  LOG_PRETTY?: boolean;

  @IsOptional()
  @IsString()
  DIGEST_TIME_ZONE = 'Asia/Kolkata';

  @IsOptional()
  @IsString()
  DIGEST_CRON = '0 8 * * *';

  /** How long a message stays unread, with the recipient offline, before it is emailed. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1000)
  MISSED_MESSAGE_DELAY_MS = 15 * 60_000;

  /** At most one missed-message email per conversation (and recipient) in this window. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1000)
  MISSED_MESSAGE_COOLDOWN_MS = 6 * 3_600_000;

  /** Bearer token for GET /metrics (API and worker); unset, /metrics is not served (404). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** HTTP basic credentials of the queue dashboard (/admin/queues); both unset: not mounted. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ADMIN_USER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  ADMIN_PASSWORD?: string;

  /** The worker's health and metrics port (GET /health, GET /metrics); 0 turns it off. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_HEALTH_PORT = 3001;

  /** The address the worker's health server binds: loopback unless a scraper elsewhere needs it. */
  @IsOptional()
  @IsIP(undefined, {
    message: 'WORKER_HEALTH_HOST must be an IP address (e.g. 127.0.0.1 or 0.0.0.0)',
  })
  WORKER_HEALTH_HOST = '127.0.0.1';
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Validates the environment; throws {@link ConfigValidationError} naming every bad variable. */
export function validateEnvironment(raw: Record<string, string | undefined>): Environment {
  // An empty variable (`PORT=` in .env, `${X:-}` in compose) means unset: its default applies.
  const given = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const env = plainToInstance(Environment, given, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: false });
  const problems = errors.map((error) => {
    const reasons = Object.values(error.constraints ?? {});
    return raw[error.property] === undefined || raw[error.property] === ''
      ? `${error.property} is required but missing`
      : `${error.property}: ${reasons.join('; ')}`;
  });
  if (env.NODE_ENV === 'production' && !env.FRONTEND_URL) {
    problems.push('FRONTEND_URL is required in production (the SPA origin, used for CORS)');
  }

  if (env.NODE_ENV === 'production') problems.push(...productionSecretProblems(env));
  if (env.ACCESS_TOKEN_SECRET_KEY && env.ACCESS_TOKEN_SECRET_KEY === env.REFRESH_TOKEN_SECRET_KEY) {
    problems.push('REFRESH_TOKEN_SECRET_KEY must differ from ACCESS_TOKEN_SECRET_KEY');
  }
  if (Boolean(env.ADMIN_USER) !== Boolean(env.ADMIN_PASSWORD)) {
    problems.push('ADMIN_USER and ADMIN_PASSWORD must be set together (or both left unset)');
  }
  if (env.PRESENCE_TTL_MS < 2 * env.PRESENCE_HEARTBEAT_MS) {
    problems.push('PRESENCE_TTL_MS must be at least twice PRESENCE_HEARTBEAT_MS');
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return env;
}
