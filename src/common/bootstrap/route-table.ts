import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** One piece of a route path: a literal segment (lower-cased) or a named parameter. */
type Segment = { literal: string } | { param: string };

interface TableRoute {
  /** Upper-case HTTP method, or `ALL`. */
  method: string;
  /** The path as registered: what Express leaves on `req.route.path` (metrics label by it). */
  path: string;
  segments: Segment[];
  handler: RequestHandler;
}

const PARAM_SEGMENT = /^:([A-Za-z_$][\w$]*)$/;
/** Characters with a meaning in Express 5 route paths beyond `:name` segments. */
const PATTERN_SYNTAX = /[*?+(){}[\]\\]/;

/**
 * The segments of a route path made of literals and whole-segment `:name` parameters, or null
 * for anything else (wildcards, optional groups, `:a-:b`): those stay with Express's router.
 */
export function compileRoutePath(path: string): Segment[] | null {
  if (!path.startsWith('/') || PATTERN_SYNTAX.test(path)) return null;
  const parts = path.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '') return [];
  const segments: Segment[] = [];
  for (const part of parts) {
    if (part === '') return null;
    const param = PARAM_SEGMENT.exec(part);
    if (param) segments.push({ param: param[1] });
    else if (part.includes(':')) return null;
    else segments.push({ literal: part.toLowerCase() });
  }
  return segments;
}

/** The path of a request URL without its query string, or null when it is not origin-form. */
export function requestPath(url: string): string | null {
  if (!url.startsWith('/')) return null;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Express 5's parameter decoding: percent-decoded, and a malformed escape is a 400. */
function decodeParam(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (error) {
    if (error instanceof URIError) {
      Object.assign(error, { status: 400, statusCode: 400 });
      error.message = `Failed to decode param '${value}'`;
    }
    throw error;
  }
}

/** The parameters of `parts` (a request path split on `/`) under `segments`, or null. */
export function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  let params: Record<string, string> | null = null;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const part = parts[i];
    if ('literal' in segment) {
      if (part.length !== segment.literal.length || part.toLowerCase() !== segment.literal) {
        return null;
      }
    } else {
      if (part === '') return null;
      (params ??= {})[segment.param] = decodeParam(part);
    }
  }
  return params ?? {};
}

/** Routes of one segment count, and for each literal first segment the routes that could match it. */
interface RouteGroup {
  routes: TableRoute[];
  /** Registration order kept: the routes whose first segment is that literal or a parameter. */
  byFirstSegment: Map<string, TableRoute[]>;
  /** The routes whose first segment is a parameter: all that can match any other first segment. */
  paramFirst: TableRoute[];
}

/** A route's first segment when it is a literal; undefined for a parameter or no segment. */
function firstLiteral(route: TableRoute): string | undefined {
  const segment = route.segments[0];
  return segment && 'literal' in segment ? segment.literal : undefined;
}

function indexGroup(routes: TableRoute[]): RouteGroup {
  const paramFirst = routes.filter((r) => r.segments.length > 0 && firstLiteral(r) === undefined);
  const byFirstSegment = new Map<string, TableRoute[]>();
  for (const route of routes) {
    const literal = firstLiteral(route);
    if (literal === undefined || byFirstSegment.has(literal)) continue;
    const candidates = routes.filter((r) => firstLiteral(r) === literal || paramFirst.includes(r));
    byFirstSegment.set(literal, candidates);
  }
  return { routes, byFirstSegment, paramFirst };
}

/**
 * The application's endpoints as one Express layer. Express 5 tries every layer in order, running
 * a path-to-regexp match per route, so each request paid for every route registered before its
 * own (an unknown path for all of them). Here routes are grouped by segment count, then by their
 * first segment, and tried in registration order within that, with Express's own semantics:
 * case-insensitive literals, an optional trailing slash, HEAD served by a GET route, decoded
 * parameters on `req.params`, the route on `req.route`, and `next()` from a handler moving on to
 * the next match.
 */
export class RouteTable {
  private readonly bySegmentCount = new Map<number, TableRoute[]>();
  /** Built on the first request after a route was added. */
  private indexed?: Map<number, RouteGroup>;
  private size = 0;

  /** Adds a route; false when its path needs Express's router (see {@link compileRoutePath}). */
  add(method: string, path: string, handler: RequestHandler): boolean {
    const segments = compileRoutePath(path);
    if (!segments) return false;
    const group = this.bySegmentCount.get(segments.length) ?? [];
    group.push({ method: method.toUpperCase(), path, segments, handler });
    this.bySegmentCount.set(segments.length, group);
    this.indexed = undefined;
    this.size++;
    return true;
  }

  get routeCount(): number {
    return this.size;
  }

  /** The Express middleware that serves the table; unmatched requests go on to `next`. */
  readonly dispatch = (req: Request, res: Response, next: NextFunction): void => {
    const path = requestPath(req.url);
    if (path === null) return next();
    const parts = path.split('/');
    parts.shift();
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    else if (parts.length === 1 && parts[0] === '') parts.pop();
    const group = this.groups().get(parts.length);
    if (!group) return next();
    const candidates =
      parts.length === 0
        ? group.routes
        : (group.byFirstSegment.get(parts[0].toLowerCase()) ?? group.paramFirst);
    this.tryFrom(candidates, 0, parts, req, res, next);
  };

  private groups(): Map<number, RouteGroup> {
    if (!this.indexed) {
      this.indexed = new Map();
      for (const [count, routes] of this.bySegmentCount)
        this.indexed.set(count, indexGroup(routes));
    }
    return this.indexed;
  }

  private tryFrom(
    group: readonly TableRoute[],
    start: number,
    parts: readonly string[],
    req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    for (let i = start; i < group.length; i++) {
      const route = group[i];
      if (!handlesMethod(route.method, req.method)) continue;
      let params: Record<string, string> | null;
      try {
        params = matchSegments(route.segments, parts);
      } catch (error) {
        return next(error);
      }
      if (!params) continue;
      req.params = params;
      (req as Request & { route: unknown }).route = { path: route.path, method: route.method };
      const onward = (signal?: unknown): void => {
        if (signal === undefined || signal === null || signal === 'route') {
          this.tryFrom(group, i + 1, parts, req, res, next);
        } else {
          next(signal);
        }
      };
      try {
        void route.handler(req, res, onward);
      } catch (error) {
        next(error);
      }
      return;
    }
    next();
  }
}

function handlesMethod(routeMethod: string, requestMethod: string): boolean {
  return (
    routeMethod === requestMethod ||
    routeMethod === 'ALL' ||
    (requestMethod === 'HEAD' && routeMethod === 'GET')
  );
}
