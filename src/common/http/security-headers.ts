import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** What helmet does to a response: headers set (in order) and headers removed. */
export interface HeaderEdits {
  set: [name: string, value: string][];
  removed: string[];
}

/**
 * Runs helmet once against a recording response. With our options (no CSP nonces) helmet's
 * headers do not depend on the request, so they can be computed at boot. Anything else helmet
 * might do to a response (a method the recorder lacks, an error) fails the boot.
 */
export function helmetHeaderEdits(options: Readonly<HelmetOptions>): HeaderEdits {
  const edits: HeaderEdits = { set: [], removed: [] };
  const recorder = {
    setHeader(name: string, value: unknown) {
      edits.set.push([name, String(value)]);
    },
    removeHeader(name: string) {
      edits.removed.push(name);
    },
  };
  let finished = false;
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error instanceof Error ? error : new Error('helmet failed');
      finished = true;
    },
  );
  if (!finished) throw new Error('helmet did not finish synchronously');
  return edits;
}

/**
 * helmet's response headers as one middleware: the same headers as `helmet(options)`, without
 * its chain of a dozen middleware per request.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): RequestHandler {
  const { set, removed } = helmetHeaderEdits(options);
  return function securityHeadersMiddleware(_req: Request, res: Response, next: NextFunction) {
    for (let i = 0; i < set.length; i++) res.setHeader(set[i][0], set[i][1]);
    for (let i = 0; i < removed.length; i++) res.removeHeader(removed[i]);
    next();
  };
}
