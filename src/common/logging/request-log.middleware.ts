import type { NextFunction, Request, Response } from 'express';
import { storage, type Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { RESPONSE_LOG } from '../http/message-shapes';
import { isQuietPath, requestLogView } from './logger.options';

/**
 * What nestjs-pino reads from a request's async context: the logger bound to its request id.
 * The child logger is made on first use, because most requests log nothing but their last line.
 */
export class RequestLogContext implements Store {
  private bound?: Logger;
  responseLogger?: Logger;

  constructor(
    private readonly root: Logger,
    readonly requestId: unknown,
  ) {}

  get logger(): Logger {
    this.bound ??= this.root.child({ requestId: this.requestId });
    return this.bound;
  }

  set logger(logger: Logger) {
    this.bound = logger;
  }
}

interface Completion {
  context: RequestLogContext;
  req: ReturnType<typeof requestLogView>;
  started: number;
  written: boolean;
}

interface LoggedResponse extends Response {
  [RESPONSE_LOG]?: Completion;
}

/** The request line: the shape pino-http wrote (`req` bound, then `res`, `responseTime`, `msg`). */
function writeCompletion(res: LoggedResponse, error?: unknown): void {
  const completion = res[RESPONSE_LOG];
  if (!completion || completion.written) return;
  completion.written = true;
  const responseTime = Date.now() - completion.started;
  const log = completion.context.logger.child({ req: completion.req });
  // `res.err`: where an error handler may leave the failure of a response (pino-http's convention).
  if (error || res.err || res.statusCode >= 500) {
    const err = error || res.err || new Error(`failed with status code ${res.statusCode}`);
    log.info({ res, err, responseTime }, 'request errored');
    return;
  }
  log.info({ res, responseTime }, 'request completed');
}

// Shared listeners (no closure per request); `this` is the response.
function onResponseEnd(this: LoggedResponse): void {
  writeCompletion(this);
}

/** Also keeps a late write error on the response from being an unhandled 'error' event. */
function onResponseError(this: LoggedResponse, error: unknown): void {
  writeCompletion(this, error);
}

/**
 * Runs the rest of the request in a log context carrying its id (every line logged while
 * handling it has `requestId`), and at info level writes one line when the response ends,
 * except for {@link isQuietPath} paths. Expects `req.id` (assignRequestId runs first).
 */
export function requestLogMiddleware(root: Logger) {
  return function requestLog(req: Request, res: Response, next: NextFunction): void {
    const context = new RequestLogContext(root, (req as Request & { id?: unknown }).id);
    const logged = res as LoggedResponse;
    if (root.isLevelEnabled('info') && !isQuietPath(req.url)) {
      logged[RESPONSE_LOG] = {
        context,
        req: requestLogView(req),
        started: Date.now(),
        written: false,
      };
      res.on('finish', onResponseEnd);
      res.on('close', onResponseEnd);
    }
    res.on('error', onResponseError);
    storage.run(context, next);
  };
}
