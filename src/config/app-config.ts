import { Environment, validateEnvironment } from './environment';

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export function durationToMs(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`Invalid duration: ${value}`);
  return Number(match[1]) * DURATION_UNITS_MS[match[2]];
}

/**
 * The typed configuration shared by the API and the worker. Built once at boot from the
 * environment and injected wherever a setting is needed (never read process.env elsewhere).
 */
export class AppConfig {
  readonly env: Environment['NODE_ENV'];
  readonly isProduction: boolean;
  readonly port: number;
  readonly globalPrefix?: string;
  readonly trustProxyHops: number;
  readonly frontendUrl: string;
  /** The API's public base URL (prefix included), for links that call the API itself. */
  readonly publicApiUrl: string;
  readonly mongo: { uri: string; dbName?: string };
  readonly redis: { url: string; keyPrefix: string };
  readonly auth: {
    accessSecret: string;
    refreshSecret: string;
    accessTtlMs: number;
    refreshTtlMs: number;
    cookieSecure: boolean;
    cookieSameSite: 'strict' | 'lax' | 'none';
    refreshCookiePath: string;
    bcryptCost: number;
  };
  readonly mail: {
    resendApiKey?: string;
    resendBaseUrl?: string;
    from: string;
    outboxDir: string;
    retryDelayMs: number;
    lockDurationMs: number;
  };
  readonly payments: {
    keyId?: string;
    keySecret?: string;
    webhookSecret?: string;
    apiUrl?: string;
  };
  readonly log: { level: Environment['LOG_LEVEL']; pretty: boolean };
  readonly digest: { timeZone: string; cron: string };
  readonly missedMessages: { delayMs: number; cooldownMs: number };
  readonly chat: { sendLimit: number };
  readonly presence: { heartbeatMs: number; ttlMs: number; sweepMs: number };
  readonly sockets: {
    eventsPerSecond: number;
    eventBurst: number;
    maxPayloadBytes: number;
    maxPerUser: number;
    anonHandshakesPerIpPerMinute: number;
    anonHandshakesPerSecond: number;
    parkedIdleMs: number;
  };
  /** Operations: the /metrics token, the queue dashboard's credentials, the worker's health port. */
  readonly ops: {
    metricsToken?: string;
    queueDashboard?: { user: string; password: string };
    workerHealthPort: number;
    workerHealthHost: string;
  };

  constructor(env: Environment) {
    this.env = env.NODE_ENV;
    this.isProduction = env.NODE_ENV === 'production';
    this.port = env.PORT;
    this.globalPrefix = env.GLOBAL_PREFIX;
    this.trustProxyHops = env.TRUST_PROXY_HOPS;
    this.frontendUrl = env.FRONTEND_URL ?? 'http://localhost:5173';
    this.publicApiUrl =
      env.PUBLIC_API_URL ??
      `http://localhost:${env.PORT}${env.GLOBAL_PREFIX ? `/${env.GLOBAL_PREFIX}` : ''}`;
    this.mongo = { uri: env.MONGODB_URI, dbName: env.MONGODB_DB_NAME };
    this.redis = {
      url: env.REDIS_URL ?? `redis://${env.REDIS_HOST}:${env.REDIS_PORT}`,
      keyPrefix: env.REDIS_KEY_PREFIX,
    };
    this.auth = {
      accessSecret: env.ACCESS_TOKEN_SECRET_KEY,
      refreshSecret: env.REFRESH_TOKEN_SECRET_KEY,
      accessTtlMs: durationToMs(env.ACCESS_TOKEN_EXPIRY),
      refreshTtlMs: durationToMs(env.REFRESH_TOKEN_EXPIRY),
      cookieSecure: env.COOKIE_SECURE,
      cookieSameSite: env.COOKIE_SAME_SITE,
      // Follow an opt-in route prefix unless the path was set explicitly.
      refreshCookiePath:
        env.GLOBAL_PREFIX && env.REFRESH_COOKIE_PATH === '/auth'
          ? `/${env.GLOBAL_PREFIX}/auth`
          : env.REFRESH_COOKIE_PATH,
      bcryptCost: env.BCRYPT_COST,
    };
    this.mail = {
      resendApiKey: env.RESEND_API_KEY,
      resendBaseUrl: env.RESEND_BASE_URL,
      from: env.FROM_EMAIL,
      outboxDir: env.MAIL_OUTBOX_DIR,
      retryDelayMs: env.MAIL_RETRY_DELAY_MS,
      lockDurationMs: env.MAIL_LOCK_DURATION_MS,
    };
    this.payments = {
      keyId: env.RAZORPAY_KEY_ID,
      keySecret: env.RAZORPAY_KEY_SECRET,
      webhookSecret: env.RAZORPAY_WEBHOOK_SECRET,
      apiUrl: env.RAZORPAY_API_URL,
    };
    this.log = { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY ?? false };
    this.digest = { timeZone: env.DIGEST_TIME_ZONE, cron: env.DIGEST_CRON };
    this.missedMessages = {
      delayMs: env.MISSED_MESSAGE_DELAY_MS,
      cooldownMs: env.MISSED_MESSAGE_COOLDOWN_MS,
    };
    this.chat = { sendLimit: env.CHAT_SEND_LIMIT };
    this.presence = {
      heartbeatMs: env.PRESENCE_HEARTBEAT_MS,
      ttlMs: env.PRESENCE_TTL_MS,
      sweepMs: env.PRESENCE_SWEEP_MS,
    };
    this.sockets = {
      eventsPerSecond: env.SOCKET_EVENTS_PER_SECOND,
      eventBurst: env.SOCKET_EVENT_BURST,
      maxPayloadBytes: env.SOCKET_MAX_PAYLOAD_BYTES,
      maxPerUser: env.SOCKET_MAX_PER_USER,
      anonHandshakesPerIpPerMinute: env.SOCKET_ANON_HANDSHAKES_PER_IP_PER_MINUTE,
      anonHandshakesPerSecond: env.SOCKET_ANON_HANDSHAKES_PER_SECOND,
      parkedIdleMs: env.SOCKET_PARKED_IDLE_MS,
    };
    this.ops = {
      metricsToken: env.METRICS_TOKEN,
      queueDashboard:
        env.ADMIN_USER && env.ADMIN_PASSWORD
          ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD }
          : undefined,
      workerHealthPort: env.WORKER_HEALTH_PORT,
      workerHealthHost: env.WORKER_HEALTH_HOST,
    };
  }

  get paymentsConfigured(): boolean {
    return Boolean(this.payments.keyId && this.payments.keySecret);
  }

  get mailViaResend(): boolean {
    return Boolean(this.mail.resendApiKey);
  }
}

export function loadConfig(raw: Record<string, string | undefined> = process.env): AppConfig {
  return new AppConfig(validateEnvironment(raw));
}
