import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';
import { routeLabel } from './route-label';

/**
 * Times every HTTP request from its first byte of handling to the end of its response, labelled
 * by method, route template and status. Installed as the app's first middleware (before body
 * parsing, guards and filters), so refusals (400, 401, 404, 429) are measured too. Call it once,
 * before `configureHttpApp`, as main.ts and the e2e test app do.
 */
export function installHttpMetrics(app: INestApplication): void {
  const metrics = app.get(MetricsService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeHttp(req.method, routeLabel(req), res.statusCode, seconds);
    });
    next();
  });
}
