import { StreamableFile } from '@nestjs/common';
import type { NestApplicationOptions } from '@nestjs/common';
import { createServer } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';
import {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { errorBody } from '../errors/app-error';
import { COMMON_ERRORS } from '../errors/common.errors';
import { SerializedBody } from '../http/api-response';
import { ApiRequest, ApiResponse } from '../http/message-shapes';
import { RouteTable } from './route-table';

const ROUTE_NOT_FOUND_JSON = JSON.stringify(
  errorBody(COMMON_ERRORS.routeNotFound, COMMON_ERRORS.routeNotFound.message),
);

/** The contract's answer to a request no route matched: 404 and the envelope. */
export function answerRouteNotFound(req: Request, res: Response): void {
  // As the global filter: a response already under way is left alone.
  if (res.headersSent) return;
  res.statusCode = COMMON_ERRORS.routeNotFound.status;
  writeJson(req, res, ROUTE_NOT_FOUND_JSON);
}

/** What `res.json` writes for `json`, without its settings lookups (see ApiExpressAdapter.reply). */
function writeJson(req: Request, res: Response, json: string): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  if (req.method === 'HEAD') res.end();
  else res.end(json, 'utf8');
}

/** `handler` for request paths starting with `prefix` (any case, as Express matches); others go on. */
export function underPrefix(prefix: string, handler: RequestHandler): RequestHandler {
  const lower = prefix.toLowerCase();
  return function prefixed(req: Request, res: Response, next: NextFunction): void {
    if (req.url.slice(0, lower.length).toLowerCase() === lower) void handler(req, res, next);
    else next();
  };
}

type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options' | 'all';

/**
 * Nest's Express adapter with three changes to what a request costs:
 * - requests and responses are {@link ApiRequest} and {@link ApiResponse}: one hidden class each;
 * - endpoints go into a {@link RouteTable} served as one layer, placed where Nest ends its
 *   routing (after every middleware, just before the not-found answer), instead of one router
 *   layer each; a path the table cannot express is left to Express;
 * - unmatched routes are answered directly. Nest's own handler throws a NotFoundException
 *   (capturing a stack trace) only for the global filter to turn it into the same envelope; a
 *   scanner probing paths should cost less than that.
 */
export class ApiExpressAdapter extends ExpressAdapter {
  readonly routes = new RouteTable();
  /** Where routes and middleware go while {@link withExpressRoutes} runs. */
  private gathering?: Router;

  constructor() {
    super();
    // Nest's adapter starts the app with a layer that only runs onRequest/onResponse hooks, which
    // this app never sets (the setters below refuse): every request would pass it for nothing.
    const { stack } = this.getInstance<{ router: { stack: unknown[] } }>().router;
    if (stack.length !== 1)
      throw new Error(`expected Nest's hook layer alone, found ${stack.length}`);
    stack.pop();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    // Neither is used by this API (nginx terminates TLS; shutdown drains connections itself).
    if (options.httpsOptions || options.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    this.httpServer = createServer(
      { IncomingMessage: ApiRequest, ServerResponse: ApiResponse },
      this.getInstance(),
    );
  }

  override setOnRequestHook(): void {
    throw new Error('ApiExpressAdapter does not run request hooks');
  }

  override setOnResponseHook(): void {
    throw new Error('ApiExpressAdapter does not run response hooks');
  }

  /**
   * Runs `register` with the routes and middleware it adds kept on an Express router of their
   * own, in registration order, served as one layer for paths under `prefix`. Swagger UI needs
   * Express's routing: its pages are routes registered before the static-assets middleware
   * beside them, which would otherwise answer `/docs/` with swagger-ui-dist's own demo page.
   * Other requests pass that layer with one string comparison, not a regular expression per route.
   */
  withExpressRoutes<T>(prefix: string, register: () => T): T {
    const router = Router({ caseSensitive: false, strict: false });
    this.gathering = router;
    try {
      return register();
    } finally {
      this.gathering = undefined;
      super.use(underPrefix(prefix, router));
    }
  }

  override use(...args: unknown[]): unknown {
    if (!this.gathering) return super.use(...args);
    Reflect.apply(this.gathering.use, this.gathering, args);
    return this;
  }

  /**
   * A handler's object is written as JSON directly. Express's `res.json` gets there by looking up
   * four app settings, resolving `application/json` through its MIME table, parsing back the
   * Content-Type it has just set to add the charset, and checking the freshness of a response
   * that carries no validator (ETags are off). A {@link SerializedBody} is written as it is.
   * Everything else (no body, a stream, a Content-Type chosen by the handler, 204/205/304) goes
   * the usual way.
   */
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    if (body instanceof SerializedBody && response.getHeader('Content-Type') === undefined) {
      if (statusCode) response.status(statusCode);
      writeJson(response.req, response, body.json);
      return response;
    }
    if (!isJsonObject(body) || response.getHeader('Content-Type') !== undefined) {
      return super.reply(response, body, statusCode);
    }
    if (statusCode) response.status(statusCode);
    const status = response.statusCode;
    if (status === 204 || status === 205 || status === 304) return super.reply(response, body);
    writeJson(response.req, response, JSON.stringify(body));
    return response;
  }

  override setNotFoundHandler(): unknown {
    this.use(this.routes.dispatch);
    return this.use(answerRouteNotFound);
  }

  override get(...args: unknown[]): unknown {
    return this.route('get', args);
  }
  override post(...args: unknown[]): unknown {
    return this.route('post', args);
  }
  override put(...args: unknown[]): unknown {
    return this.route('put', args);
  }
  override patch(...args: unknown[]): unknown {
    return this.route('patch', args);
  }
  override delete(...args: unknown[]): unknown {
    return this.route('delete', args);
  }
  override head(...args: unknown[]): unknown {
    return this.route('head', args);
  }
  override options(...args: unknown[]): unknown {
    return this.route('options', args);
  }
  override all(...args: unknown[]): unknown {
    return this.route('all', args);
  }

  private route(method: RouteMethod, args: unknown[]): unknown {
    const [path, handler, ...rest] = args;
    const tabled =
      !this.gathering &&
      typeof path === 'string' &&
      typeof handler === 'function' &&
      rest.length === 0 &&
      this.routes.add(method, path, handler as RequestHandler);
    if (tabled) return this.getInstance();
    // What Nest's adapter does with every route: register it on Express (or the gathering router).
    const target = (this.gathering ?? this.getInstance<object>()) as unknown as Record<
      RouteMethod,
      (...a: unknown[]) => unknown
    >;
    return target[method](...args);
  }
}

/** A body `res.json` would write as it is: an object or array, not a stream, buffer or error. */
function isJsonObject(body: unknown): body is object {
  return (
    typeof body === 'object' &&
    body !== null &&
    !(body instanceof StreamableFile) &&
    !(body instanceof Error) &&
    !ArrayBuffer.isView(body)
  );
}
