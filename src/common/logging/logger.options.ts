import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../../config/app-config';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const REQUEST_ID_HEADER = 'x-request-id';

/** Reuses a client-sent UUID v4 request id, otherwise makes one; echoes it in the response. */
/** Request paths not written to the request log (liveness probe, Prometheus scrape). */
const QUIET_PATHS = new Set(['/health', '/metrics']);

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

/** One JSON line per event with the request id; pretty output only for humans in development. */
export type ProcessName = 'api' | 'worker' | 'migrate';

export function loggerOptions(config: AppConfig, processName: ProcessName): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      base: { process: processName },
      genReqId: requestId,
      customAttributeKeys: { reqId: 'requestId' },
      quietReqLogger: true,
      redact: { paths: REDACTED_PATHS, remove: true },
      // Probes and scrapes every few seconds would drown the request log.
      autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: pathOnly(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      transport: config.log.pretty
        ? { target: 'pino-pretty', options: { singleLine: true, colorize: true } }
        : undefined,
    },
  };
}
