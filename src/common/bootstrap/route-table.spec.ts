import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { compileRoutePath, requestPath, RouteTable } from './route-table';

interface Outcome {
  served?: string;
  params?: Record<string, string>;
  routePath?: unknown;
  passedOn?: unknown;
}

function serve(table: RouteTable, method: string, url: string): Outcome {
  const outcome: Outcome = {};
  const req = { method, url } as Request;
  const next: NextFunction = (signal?: unknown) => {
    outcome.passedOn = signal ?? 'next';
  };
  table.dispatch(req, {} as Response, next);
  outcome.params ??= req.params as Record<string, string>;
  outcome.routePath = (req as Request & { route?: { path: string } }).route?.path;
  return outcome;
}

const answer =
  (name: string): RequestHandler =>
  (req) => {
    (req as Request & { served?: string }).served = name;
  };

function tableOf(...routes: [string, string][]): { table: RouteTable; served: () => string[] } {
  const table = new RouteTable();
  const log: string[] = [];
  for (const [method, path] of routes) {
    table.add(method, path, (req, res, next) => {
      log.push(`${method} ${path}`);
      answer(path)(req, res, next);
    });
  }
  return { table, served: () => log };
}

describe('compileRoutePath', () => {
  it('takes literals and whole-segment parameters, with or without a trailing slash', () => {
    expect(compileRoutePath('/')).toEqual([]);
    expect(compileRoutePath('/chat/:targetUserId/read/')).toEqual([
      { literal: 'chat' },
      { param: 'targetUserId' },
      { literal: 'read' },
    ]);
    expect(compileRoutePath('/Auth/Login')).toEqual([{ literal: 'auth' }, { literal: 'login' }]);
  });

  it("leaves Express's other syntax to Express", () => {
    for (const path of ['/{*path}', '/files/*rest', '/a/:b-:c', '/a/{:b}', 'relative', '/a//b']) {
      expect(compileRoutePath(path)).toBeNull();
    }
  });
});

describe('requestPath', () => {
  it('drops the query string and refuses absolute-form targets', () => {
    expect(requestPath('/user/feed?page=2')).toBe('/user/feed');
    expect(requestPath('/health')).toBe('/health');
    expect(requestPath('http://evil/health')).toBeNull();
    expect(requestPath('*')).toBeNull();
  });
});

describe('RouteTable.dispatch', () => {
  it('serves the first route registered that matches, as Express does', () => {
    const { table, served } = tableOf(['GET', '/chat/recent'], ['GET', '/chat/:targetUserId']);
    expect(serve(table, 'GET', '/chat/recent').routePath).toBe('/chat/recent');
    const byId = serve(table, 'GET', '/chat/64b000000000000000000001');
    expect(byId.routePath).toBe('/chat/:targetUserId');
    expect(byId.params).toEqual({ targetUserId: '64b000000000000000000001' });
    expect(served()).toEqual(['GET /chat/recent', 'GET /chat/:targetUserId']);
  });

  it('matches literals case-insensitively, ignores the query and one trailing slash', () => {
    const { table } = tableOf(['GET', '/user/requests/received']);
    for (const url of [
      '/USER/Requests/received',
      '/user/requests/received/',
      '/user/requests/received?x=1',
    ]) {
      expect(serve(table, 'GET', url).routePath).toBe('/user/requests/received');
    }
    expect(serve(table, 'GET', '/user/requests/received//').passedOn).toBe('next');
    expect(serve(table, 'GET', '/user/requests').passedOn).toBe('next');
  });

  it('checks the method: HEAD is served by a GET route, ALL by any, others pass on', () => {
    const { table } = tableOf(['GET', '/profile'], ['ALL', '/any']);
    expect(serve(table, 'HEAD', '/profile').routePath).toBe('/profile');
    expect(serve(table, 'POST', '/profile').passedOn).toBe('next');
    expect(serve(table, 'DELETE', '/any').routePath).toBe('/any');
  });

  it('decodes parameters, and a malformed escape is a 400 handed to the error handlers', () => {
    const { table } = tableOf(['POST', '/request/send/:status/:toUserId']);
    expect(serve(table, 'POST', '/request/send/inter%65sted/abc').params).toEqual({
      status: 'interested',
      toUserId: 'abc',
    });
    const bad = serve(table, 'POST', '/request/send/%E0%A4%A/abc');
    expect(bad.passedOn).toBeInstanceOf(URIError);
    expect(bad.passedOn).toMatchObject({
      status: 400,
      message: "Failed to decode param '%E0%A4%A'",
    });
  });

  it('moves on to the next match when a handler calls next(), and hands errors on', () => {
    const table = new RouteTable();
    const order: string[] = [];
    table.add('GET', '/a/:x', (_req, _res, next) => {
      order.push('first');
      next();
    });
    table.add('GET', '/a/b', (_req, _res, next) => {
      order.push('second');
      next(new Error('boom'));
    });
    const outcome = serve(table, 'GET', '/a/b');
    expect(order).toEqual(['first', 'second']);
    expect(outcome.passedOn).toEqual(new Error('boom'));
  });

  it('tries a parameter first segment before a later literal one, in registration order', () => {
    const table = new RouteTable();
    const order: string[] = [];
    const step =
      (name: string): RequestHandler =>
      (_req, _res, next) => {
        order.push(name);
        next();
      };
    table.add('GET', '/:section', step('param first'));
    table.add('GET', '/health', step('health'));
    table.add('GET', '/profile', step('profile'));
    table.add('GET', '/Health/', step('health again'));
    expect(serve(table, 'GET', '/HEALTH').passedOn).toBe('next');
    expect(order).toEqual(['param first', 'health', 'health again']);
    order.length = 0;
    serve(table, 'GET', '/elsewhere');
    expect(order).toEqual(['param first']);
  });

  it('serves routes added after the first request', () => {
    const { table } = tableOf(['GET', '/chat/recent']);
    expect(serve(table, 'GET', '/chat/64b000000000000000000001').passedOn).toBe('next');
    table.add('GET', '/chat/:targetUserId', answer('chat'));
    expect(serve(table, 'GET', '/chat/64b000000000000000000001').routePath).toBe(
      '/chat/:targetUserId',
    );
  });

  it('passes an error thrown by a handler on, and the root path matches "/"', () => {
    const table = new RouteTable();
    table.add('GET', '/', () => {
      throw new Error('thrown');
    });
    expect(serve(table, 'GET', '/').passedOn).toEqual(new Error('thrown'));
    expect(table.routeCount).toBe(1);
    expect(table.add('GET', '/{*path}', () => undefined)).toBe(false);
  });
});
