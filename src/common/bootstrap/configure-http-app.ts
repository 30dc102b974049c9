import type { NestExpressApplication } from '@nestjs/platform-express';
import cors from 'cors';
import type { HelmetOptions } from 'helmet';
import type { AppConfig } from '../../config/app-config';
import {
  bodyParserErrorHandler,
  jsonBodyParser,
  normaliseAndGuardInput,
} from '../middleware/body.middleware';
import { middlewareChain } from '../middleware/middleware-chain';
import { assignRequestId } from '../middleware/request-id.middleware';
import { requestLogMiddleware } from '../logging/request-log.middleware';
import { ROOT_LOGGER } from '../../infrastructure.module';
import { httpMetricsMiddleware } from '../../modules/metrics/http-metrics.middleware';
import { installLazyCookies } from '../http/lazy-cookies';
import { installQueryParsedOnce } from '../http/query-once';
import { originCheckMiddleware } from '../http/origin-check.middleware';
import { securityHeaders } from '../http/security-headers';
import { createValidationPipe } from '../pipes/validation.pipe';
import { setupSwagger } from './swagger';

export const API_HELMET_OPTIONS: Readonly<HelmetOptions> = {
  // Swagger UI loads its own inline styles and scripts; the API itself serves only JSON.
  contentSecurityPolicy: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
};

/**
 * Everything that turns a Nest app into the contract's HTTP API. Shared by main.ts and the e2e
 * tests, so tests exercise exactly what production runs. The app must be created with
 * `bodyParser: false`: we install our own parser to map its errors to envelopes.
 */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig): void {
  const requestPrototype = (app.getHttpAdapter().getInstance() as { request: object }).request;
  installLazyCookies(requestPrototype);
  installQueryParsedOnce(requestPrototype);
  app.set('trust proxy', config.trustProxyHops);
  app.set('case sensitive routing', false);
  app.set('strict routing', false);
  app.disable('x-powered-by');
  // Bodies are per user and change with every write: no ETag hashed on each one, and no 304 that
  // would have a browser serve personal data from its cache.
  app.set('etag', false);
  // One router layer for everything every request goes through, in this order: timing first so
  // refusals are measured, the request id before anything can answer (body-parser errors carry
  // it), the log context around the rest. The origin check answers after CORS and security
  // headers are set and before a body is read.
  const originCheck = originCheckMiddleware(config);
  app.use(
    middlewareChain(
      httpMetricsMiddleware(app),
      assignRequestId,
      requestLogMiddleware(app.get(ROOT_LOGGER)),
      cors({
        origin: config.frontendUrl,
        credentials: true,
        methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
        optionsSuccessStatus: 204,
      }),
      securityHeaders(API_HELMET_OPTIONS),
      ...(originCheck ? [originCheck] : []),
      jsonBodyParser(),
      normaliseAndGuardInput,
    ),
  );
  // Reached only when the body parser passed an error: the chain then skips normalisation.
  app.use(bodyParserErrorHandler);
  app.useGlobalPipes(createValidationPipe());
  if (config.globalPrefix) app.setGlobalPrefix(config.globalPrefix);
  setupSwagger(app, config);
}
