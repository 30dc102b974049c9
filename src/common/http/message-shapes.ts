import { IncomingMessage, ServerResponse } from 'node:http';

/** The time a response's handling began (http-metrics.middleware.ts). */
export const RESPONSE_STARTED = Symbol('httpMetricsStarted');
/** What the request log writes when the response ends (request-log.middleware.ts). */
export const RESPONSE_LOG = Symbol('requestLogCompletion');
/** `req.cookies` once parsed (lazy-cookies.ts). */
export const PARSED_COOKIES = Symbol('parsedCookies');
/** `req.query` once parsed (query-once.ts). */
export const PARSED_QUERY = Symbol('parsedQuery');
/** Where Nest marks a request whose parameters a pipe refused (a registered symbol). */
const NEST_REJECTED_BY_PIPES = Symbol.for('nestjs:rejected-by-pipes');

/**
 * The request object Node creates for each HTTP request, with the properties that Express, its
 * router, and our middleware and guards add while serving it declared from the start. Added one
 * at a time, and a different set per route, they gave requests many hidden classes, so the code
 * every request runs through (node's, Express's, Nest's, ours) met objects of many shapes and
 * V8 kept its property reads there polymorphic or megamorphic. `cookies` is left out: it is a
 * getter on Express's request prototype, which an own property would hide. So is the symbol
 * Express's router sets on every request at its first layer (private to it, and the same step
 * for every route).
 */
export class ApiRequest extends IncomingMessage {
  // Node leaves the listener count on EventEmitter's prototype (0) until the first listener.
  _eventsCount = 0;
  // Express's app.handle and router, and parseurl's cache.
  res: unknown = undefined;
  next: unknown = undefined;
  baseUrl: unknown = undefined;
  originalUrl: unknown = undefined;
  _parsedUrl: unknown = undefined;
  params: unknown = undefined;
  route: unknown = undefined;
  body: unknown = undefined;
  rawBody: unknown = undefined;
  // Ours: the request id, the access guard's session, a guarded route's prefetch, the cookies
  // and the query once parsed.
  // Typed by pino-http's augmentation of IncomingMessage; unset until assignRequestId runs.
  override id = undefined as unknown as IncomingMessage['id'];
  auth: unknown = undefined;
  startPrefetch: unknown = undefined;
  prefetched: unknown = undefined;
  [PARSED_COOKIES]: unknown = undefined;
  [PARSED_QUERY]: unknown = undefined;
  [NEST_REJECTED_BY_PIPES]: unknown = undefined;
}

/** The response object, likewise: what Express and our middleware add to it, declared at birth. */
export class ApiResponse<
  Request extends IncomingMessage = IncomingMessage,
> extends ServerResponse<Request> {
  locals: unknown = undefined;
  // Node keeps both defaults on the prototype; Express's res.status and node's writeHead set them.
  override statusCode = 200;
  override statusMessage = undefined as unknown as string;
  [RESPONSE_STARTED]: number | undefined = undefined;
  [RESPONSE_LOG]: unknown = undefined;
}
