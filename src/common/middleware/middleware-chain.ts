import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Several middleware run as one Express layer, in order: each router layer costs a dispatch
 * through the router on every request, and ours are a few lines each. Like a layer, a step that
 * throws or passes an error (or 'route' / 'router') hands it on to what follows the chain; a step
 * that answers and does not call next ends it.
 */
export function middlewareChain(...steps: RequestHandler[]): RequestHandler {
  return function chain(req: Request, res: Response, done: NextFunction): void {
    let index = 0;
    const next = (signal?: unknown): void => {
      if (signal !== undefined && signal !== null) {
        done(signal);
        return;
      }
      const step = steps[index++];
      if (!step) {
        done();
        return;
      }
      try {
        // Our steps and the libraries' are synchronous or call next themselves; none returns a promise.
        void step(req, res, next);
      } catch (error) {
        done(error);
      }
    };
    next();
  };
}
