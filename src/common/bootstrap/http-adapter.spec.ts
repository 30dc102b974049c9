import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { AllExceptionsFilter } from '../filters/all-exceptions.filter';
import { Socket } from 'node:net';
import type { NestApplicationOptions } from '@nestjs/common';
import { SerializedBody } from '../http/api-response';
import { ApiRequest, PARSED_COOKIES, RESPONSE_STARTED } from '../http/message-shapes';
import { answerRouteNotFound, ApiExpressAdapter, underPrefix } from './http-adapter';

function recordingResponse(headersSent = false) {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    headersSent,
    getHeader: () => undefined,
    setHeader: jest.fn(),
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

describe('answerRouteNotFound', () => {
  it("answers exactly what the global filter made of Nest's unmatched-route exception", async () => {
    const req = { method: 'GET', originalUrl: '/no-such-route' } as Request;
    const viaFilter = recordingResponse();
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => viaFilter.res, getRequest: () => req }),
    } as unknown as ArgumentsHost;
    new AllExceptionsFilter().catch(new NotFoundException('Cannot GET /no-such-route'), host);
    expect(viaFilter.sent).toEqual({
      status: 404,
      body: { success: false, message: 'Not Found', code: 'ROUTE_NOT_FOUND' },
    });

    const direct = await request(express().use(answerRouteNotFound)).get('/no-such-route');
    expect({ status: direct.status, body: direct.body as unknown }).toEqual(viaFilter.sent);
    // Written as res.json writes it.
    const viaJson = await request(
      express().use((_req, res) => {
        res.status(404).json(viaFilter.sent.body);
      }),
    ).get('/no-such-route');
    const { date: _a, ...directHeaders } = direct.headers;
    const { date: _b, etag: _etag, ...jsonHeaders } = viaJson.headers;
    expect(direct.text).toBe(viaJson.text);
    expect(directHeaders).toEqual(jsonHeaders);

    const head = await request(express().use(answerRouteNotFound)).head('/no-such-route');
    expect(head.status).toBe(404);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(viaJson.text)));
  });

  it('leaves a response already under way alone', () => {
    const { res, sent } = recordingResponse(true);
    answerRouteNotFound({} as Request, res);
    expect(sent).toEqual({});
  });
});

describe('underPrefix', () => {
  const app = express().use(
    underPrefix('/docs', (_req, res) => {
      res.send('docs');
    }),
    (_req: Request, res: Response) => {
      res.status(404).send('elsewhere');
    },
  );

  it.each(['/docs', '/docs/', '/DOCS/index.html', '/docs-json', '/docs?x=1'])(
    'hands %s to the handler',
    async (path) => {
      expect((await request(app).get(path)).text).toBe('docs');
    },
  );

  it.each(['/', '/doc', '/health', '/x/docs'])('passes %s on', async (path) => {
    expect((await request(app).get(path)).text).toBe('elsewhere');
  });
});

describe('ApiExpressAdapter', () => {
  it("starts with no layer of its own, and refuses Nest's request hooks", () => {
    const adapter = new ApiExpressAdapter();
    expect(adapter.getInstance<{ router: { stack: unknown[] } }>().router.stack).toEqual([]);
    expect(() => adapter.setOnRequestHook()).toThrow(/does not run request hooks/);
    expect(() => adapter.setOnResponseHook()).toThrow(/does not run response hooks/);
  });

  it('keeps what withExpressRoutes registers behind one layer for its prefix, in order', async () => {
    const adapter = new ApiExpressAdapter();
    adapter.withExpressRoutes('/docs', () => {
      adapter.get('/docs/:page', (req: Request, res: Response, next: NextFunction) =>
        req.params.page === 'skip' ? next() : res.send(`route ${String(req.params.page)}`),
      );
      adapter.use('/docs', (_req: Request, res: Response) => {
        res.send('middleware');
      });
    });
    adapter.get('/health', (_req: Request, res: Response) => {
      res.send('table');
    });
    adapter.setNotFoundHandler();
    const app = adapter.getInstance<express.Express>();
    expect(app.router.stack).toHaveLength(3);
    expect(adapter.routes.routeCount).toBe(1);
    expect((await request(app).get('/docs/one')).text).toBe('route one');
    expect((await request(app).get('/Docs/skip')).text).toBe('middleware');
    expect((await request(app).get('/health')).text).toBe('table');
    expect((await request(app).get('/nothing')).status).toBe(404);
  });
});

describe('ApiExpressAdapter.initHttpServer', () => {
  /** What the handler of one GET /health saw: the request's and response's own properties. */
  async function serveOne(options: NestApplicationOptions) {
    const adapter = new ApiExpressAdapter();
    const seen: { requestKeys: string[]; requestSymbols: symbol[]; responseSymbols: symbol[] } = {
      requestKeys: [],
      requestSymbols: [],
      responseSymbols: [],
    };
    adapter.get('/health', (req: Request, res: Response) => {
      seen.requestKeys = Object.keys(req);
      seen.requestSymbols = Object.getOwnPropertySymbols(req);
      seen.responseSymbols = Object.getOwnPropertySymbols(res);
      res.json({ status: 'ok' });
    });
    adapter.setNotFoundHandler();
    adapter.initHttpServer(options);
    const answer = await request(adapter.getHttpServer()).get('/health');
    expect({ status: answer.status, body: answer.body as unknown }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    return seen;
  }

  it('serves requests and responses made with every property the pipeline sets', async () => {
    const seen = await serveOne({});
    // Express re-parents both objects, so their constructors show only in their own properties.
    expect(seen.requestSymbols).toContain(PARSED_COOKIES);
    expect(seen.responseSymbols).toContain(RESPONSE_STARTED);
    // What Express and the route table set went to declared properties, none to new ones.
    const declared = Object.keys(new ApiRequest(new Socket()));
    for (const key of ['res', 'next', 'params', 'route', 'baseUrl', 'originalUrl']) {
      expect(declared).toContain(key);
    }
    expect(seen.requestKeys.filter((key) => !declared.includes(key))).toEqual([]);
  });

  it("leaves Nest's connection tracking to node's own classes", async () => {
    const seen = await serveOne({ forceCloseConnections: true });
    expect(seen.requestSymbols).not.toContain(PARSED_COOKIES);
    expect(seen.responseSymbols).not.toContain(RESPONSE_STARTED);
  });
});

describe('ApiExpressAdapter.reply', () => {
  /** One app answering through the adapter, one through Express's own res.json / res.send. */
  function apps(answer: (res: Response) => { body: unknown; status?: number }) {
    const adapter = new ApiExpressAdapter();
    const ours = express().set('etag', false);
    const theirs = express().set('etag', false);
    ours.all('/x', (_req, res) => {
      const { body, status } = answer(res);
      adapter.reply(res, body, status);
    });
    theirs.all('/x', (_req, res) => {
      const { body, status } = answer(res);
      if (status) res.status(status);
      res.send(body);
    });
    return [ours, theirs];
  }

  async function sameAnswer(
    answer: (res: Response) => { body: unknown; status?: number },
    method: 'get' | 'head' = 'get',
  ) {
    const [ours, theirs] = await Promise.all(
      apps(answer).map(async (app) => {
        const res = await request(app)[method]('/x');
        const { date: _date, ...headers } = res.headers;
        return { status: res.status, headers, text: res.text };
      }),
    );
    expect(ours).toEqual(theirs);
    return ours;
  }

  it('writes an object or array as res.json does, headers and bytes', async () => {
    const answer = await sameAnswer(() => ({ body: { ok: true, name: 'Zoë', list: [1, 'two'] } }));
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
    await sameAnswer(() => ({ body: [{ a: 1 }], status: 201 }));
  });

  it('writes a SerializedBody as it is: what Express makes of the document it holds', async () => {
    const json = '{"success":true,"data":{"items":[{"name":"Zoë"}],"n":1}}';
    const answer = await sameAnswer(() => ({ body: new SerializedBody(json), status: 201 }));
    expect(answer).toMatchObject({ status: 201, text: json });
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(json)));
  });

  it('sends no body to HEAD, and none with 204', async () => {
    const head = await sameAnswer(() => ({ body: { ok: true } }), 'head');
    expect(head.headers['content-length']).toBe('11');
    const empty = await sameAnswer(() => ({ body: { ok: true }, status: 204 }));
    expect(empty.text).toBe('');
  });

  it('leaves a Content-Type the handler chose, and bodies that are not objects, to Express', async () => {
    const html = await sameAnswer((res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return { body: '<p>hi</p>' };
    });
    expect(html.text).toBe('<p>hi</p>');
    await sameAnswer(() => ({ body: 'plain' }));
  });
});
