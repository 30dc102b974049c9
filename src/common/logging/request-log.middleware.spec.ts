import express, { type Request, type Response } from 'express';
import { storage } from 'nestjs-pino/storage';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import type { AppConfig } from '../../config/app-config';
import { assignRequestId } from '../middleware/request-id.middleware';
import { createRootLogger, pathOnly, REDACTED_PATHS, requestId } from './logger.options';
import { requestLogMiddleware } from './request-log.middleware';

/** Log lines written to memory, parsed; `time` and `responseTime` vary between runs. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const { time: _time, responseTime, ...rest } = JSON.parse(line) as Record<string, unknown>;
        lines.push({ ...rest, ...(responseTime === undefined ? {} : { responseTime: 'n' }) });
      }
      done();
    },
  });
  return { lines, stream };
}

const config = (level: string) => ({ log: { level, pretty: false } }) as unknown as AppConfig;

/** The request logging this middleware replaces: nestjs-pino's pino-http with our former options. */
function formerMiddleware(level: string, stream: Writable) {
  return pinoHttp(
    {
      level,
      base: { process: 'api' },
      genReqId: requestId,
      customAttributeKeys: { reqId: 'requestId' },
      quietReqLogger: true,
      redact: { paths: REDACTED_PATHS, remove: true },
      autoLogging: { ignore: (req) => ['/health', '/metrics'].includes(pathOnly(req.url)) },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: pathOnly(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    stream,
  );
}

type InRequestLog = (req: Request) => { warn(obj: object, msg: string): void };

function appWith(middleware: express.RequestHandler, inRequest: InRequestLog) {
  const app = express();
  app.use(assignRequestId);
  app.use(middleware);
  app.get('/health', (_req, res) => res.json({ status: 'ok' }));
  app.get('/profile', (req: Request, res: Response) => {
    inRequest(req).warn({ token: 'secret', detail: 1 }, 'inside the handler');
    res.json({ ok: true });
  });
  app.get('/boom', (_req, res) => res.status(500).json({ success: false }));
  return app;
}

async function linesOf(level: string, which: 'former' | 'ours') {
  const { lines, stream } = memoryLog();
  const app =
    which === 'former'
      ? appWith(formerMiddleware(level, stream), (req) => req.log)
      : appWith(requestLogMiddleware(createRootLogger(config(level), 'api', stream)), () => {
          const store = storage.getStore();
          if (!store) throw new Error('no log context');
          return store.logger;
        });
  const id = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
  for (const path of ['/profile?token=abc', '/health', '/boom', '/nope']) {
    await request(app).get(path).set('x-request-id', id).set('cookie', 'a=b');
  }
  return lines.map((line) => {
    // pino-http's error carries its own stack; compare the rest.
    const err = line.err as { stack?: string } | undefined;
    return err ? { ...line, err: { ...err, stack: typeof err.stack } } : line;
  });
}

describe('requestLogMiddleware', () => {
  it('writes the same lines as pino-http did at info: request id, path only, no secrets', async () => {
    const ours = await linesOf('info', 'ours');
    expect(ours).toEqual(await linesOf('info', 'former'));
    expect(ours).toHaveLength(4); // handler line + /profile, /boom, /nope; /health is quiet
    expect(ours[1]).toMatchObject({
      requestId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      req: { method: 'GET', url: '/profile' },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
    expect(ours[0]).not.toHaveProperty('token');
    expect(ours[2]).toMatchObject({ res: { statusCode: 500 }, msg: 'request errored' });
  });

  it('at warn writes only what the handler logs, still with the request id', async () => {
    const ours = await linesOf('warn', 'ours');
    expect(ours).toEqual(await linesOf('warn', 'former'));
    expect(ours).toEqual([
      expect.objectContaining({ requestId: expect.any(String), msg: 'inside the handler' }),
    ]);
  });
});
