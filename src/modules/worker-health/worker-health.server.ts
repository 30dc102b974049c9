import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { bearerTokenMatches } from '../../common/http/credentials';
import { AppConfig } from '../../config/app-config';
import { METRICS_ERRORS } from '../metrics/metrics.errors';
import { MetricsService } from '../metrics/metrics.service';
import { WorkerHealthService } from './worker-health.service';

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
};

/**
 * The worker's own small HTTP server on `WORKER_HEALTH_HOST`:`WORKER_HEALTH_PORT` (0: none;
 * loopback by default), for probes and the
 * scraper only: `GET /health` (200 while the queue's Redis answers, 503 otherwise) and
 * `GET /metrics` (the worker's registry, bearer `METRICS_TOKEN` as on the API; 404 without a
 * token configured). Anything else is 404. It listens before the worker reports ready (a port in
 * use fails the boot) and closes first on shutdown.
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerHealthServer.name);
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly health: WorkerHealthService,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.ops.workerHealthPort;
    if (port === 0) return;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.logger.error({ msg: 'Worker health request failed', err: error });
        if (!res.headersSent)
          json(res, 500, errorBody(COMMON_ERRORS.internal, COMMON_ERRORS.internal.message));
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.ops.workerHealthHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const { port: bound } = server.address() as AddressInfo;
    this.logger.log({
      msg: `Worker health on port ${bound} (GET /health, GET /metrics)`,
      port: bound,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0].replace(/(.)\/$/, '$1');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (method === 'GET' && path === '/health') {
      const report = await this.health.report();
      return json(res, report.status === 'ok' ? 200 : 503, report);
    }
    const token = this.config.ops.metricsToken;
    if (method === 'GET' && path === '/metrics' && token) {
      if (!bearerTokenMatches(req.headers.authorization, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        const entry = METRICS_ERRORS.tokenRequired;
        return json(res, 401, errorBody(entry, entry.message));
      }
      const body = await this.metrics.render();
      res.writeHead(200, { 'Content-Type': this.metrics.contentType, 'Cache-Control': 'no-store' });
      res.end(body);
      return;
    }
    json(res, 404, errorBody(COMMON_ERRORS.routeNotFound, COMMON_ERRORS.routeNotFound.message));
  }
}
