import { StreamableFile } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Request, RequestHandler, Response } from 'express';
import { errorBody } from '../errors/app-error';
import { COMMON_ERRORS } from '../errors/common.errors';
import { RouteTable } from './route-table';

/** The contract's answer to a request no route matched: 404 and the envelope. */
export function answerRouteNotFound(_req: Request, res: Response): void {
  // As the global filter: a response already under way is left alone.
  if (res.headersSent) return;
  res
    .status(COMMON_ERRORS.routeNotFound.status)
    .json(errorBody(COMMON_ERRORS.routeNotFound, COMMON_ERRORS.routeNotFound.message));
}

type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options' | 'all';

/**
 * Nest's Express adapter with two changes to what a request costs:
 * - endpoints go into a {@link RouteTable} served as one layer, placed where Nest ends its
 *   routing (after every middleware, just before the not-found answer), instead of one router
 *   layer each; a path the table cannot express is left to Express;
 * - unmatched routes are answered directly. Nest's own handler throws a NotFoundException
 *   (capturing a stack trace) only for the global filter to turn it into the same envelope; a
 *   scanner probing paths should cost less than that.
 */
export class ApiExpressAdapter extends ExpressAdapter {
  readonly routes = new RouteTable();
  private tabling = true;

  /**
   * Runs `register` with its routes left on Express's router, in registration order. Swagger UI
   * needs that: its pages are routes registered before the static-assets middleware beside them,
   * which would otherwise answer `/docs/` with swagger-ui-dist's own demo page.
   */
  withExpressRoutes<T>(register: () => T): T {
    this.tabling = false;
    try {
      return register();
    } finally {
      this.tabling = true;
    }
  }

  /**
   * A handler's object is written as JSON directly. Express's `res.json` gets there by looking up
   * four app settings, resolving `application/json` through its MIME table, parsing back the
   * Content-Type it has just set to add the charset, and checking the freshness of a response
   * that carries no validator (ETags are off). Everything else (no body, a stream, a Content-Type
   * chosen by the handler, 204/205/304) goes the usual way.
   */
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    if (!isJsonObject(body) || response.getHeader('Content-Type') !== undefined) {
      return super.reply(response, body, statusCode);
    }
    if (statusCode) response.status(statusCode);
    const status = response.statusCode;
    if (status === 204 || status === 205 || status === 304) return super.reply(response, body);
    const json = JSON.stringify(body);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(json));
    if (response.req.method === 'HEAD') response.end();
    else response.end(json, 'utf8');
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
      this.tabling &&
      typeof path === 'string' &&
      typeof handler === 'function' &&
      rest.length === 0 &&
      this.routes.add(method, path, handler as RequestHandler);
    if (tabled) return this.getInstance();
    // What Nest's adapter does with every route: register it on Express.
    const express = this.getInstance<Record<RouteMethod, (...a: unknown[]) => unknown>>();
    return express[method](...args);
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
