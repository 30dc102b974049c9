import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { pino, type DestinationStream, type LoggerOptions, type Logger as PinoLogger } from 'pino';
import type { AppConfig } from '../../config/app-config';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const REQUEST_ID_HEADER = 'x-request-id';

/** Request paths not written to the request log (liveness probe, Prometheus scrape). */
const QUIET_PATHS = new Set(['/health', '/metrics']);

/** Reuses a client-sent UUID v4 request id, otherwise makes one; echoes it in the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && UUID_V4.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Query strings can carry secrets (the verify-email token): logs keep the path only. */
export function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?')[0];
}

/** Keys removed from every log line, at any depth we log (contract §1.9 and §10 #55). */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
  'refreshToken',
  'accessToken',
  'token',
  'verifyToken',
  '*.password',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.verifyToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export type ProcessName = 'api' | 'worker' | 'migrate';

/** Paths whose completed requests are not logged (liveness probe, Prometheus scrape). */
export function isQuietPath(url: string | undefined): boolean {
  return QUIET_PATHS.has(pathOnly(url));
}

/** What a request looks like in a log line (`req`): never its query string or headers. */
export function requestLogView(req: {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
  remoteAddress?: string;
  socket?: { remoteAddress?: string };
}) {
  return {
    id: req.id,
    method: req.method,
    url: pathOnly(req.originalUrl || req.url),
    remoteAddress: req.remoteAddress ?? req.socket?.remoteAddress,
  };
}

/** The process's root logger: one JSON line per event; pretty output only for humans in development. */
export function createRootLogger(
  config: AppConfig,
  processName: ProcessName,
  destination?: DestinationStream,
): PinoLogger {
  const options: LoggerOptions = {
    level: config.log.level,
    base: { process: processName },
    redact: { paths: REDACTED_PATHS, remove: true },
    serializers: {
      req: requestLogView,
      // A response that never sent its headers (client gone) has no status yet.
      res: (res: { statusCode: number; headersSent?: boolean }) => ({
        statusCode: res.headersSent === false ? null : res.statusCode,
      }),
    },
    transport: config.log.pretty
      ? { target: 'pino-pretty', options: { singleLine: true, colorize: true } }
      : undefined,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * nestjs-pino over our root logger. Its own request middleware (pino-http) is not installed:
 * `requestLogMiddleware` binds the request id and writes the request line at a fraction of the
 * cost (pino-http serialises every request and builds two child loggers even when nothing logs).
 */
export function loggerOptions(root: PinoLogger): Params {
  return { pinoHttp: { logger: root }, useExisting: true, forRoutes: [] };
}
