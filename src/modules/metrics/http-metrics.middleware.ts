import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { RESPONSE_STARTED } from '../../common/http/message-shapes';
import { MetricsService } from './metrics.service';
import { routeLabel } from './route-label';

interface TimedResponse extends Response {
  [RESPONSE_STARTED]?: number;
}

/**
 * Times every HTTP request from its first byte of handling to the end of its response, labelled
 * by method, route template and status. `configureHttpApp` runs it first (before body parsing,
 * guards and filters), so refusals (400, 401, 404, 429) are measured too.
 */
export function httpMetricsMiddleware(app: INestApplication): RequestHandler {
  const metrics = app.get(MetricsService);
  // One listener for every response (no closure per request); `this` is the response.
  function observeFinished(this: TimedResponse): void {
    const seconds = (performance.now() - (this[RESPONSE_STARTED] ?? 0)) / 1000;
    metrics.observeHttp(this.req.method, routeLabel(this.req), this.statusCode, seconds);
  }
  return function httpMetrics(_req: Request, res: TimedResponse, next: NextFunction) {
    res[RESPONSE_STARTED] = performance.now();
    res.on('finish', observeFinished);
    next();
  };
}
