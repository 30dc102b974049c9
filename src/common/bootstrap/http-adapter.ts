import { ExpressAdapter } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { COMMON_ERRORS } from '../errors/common.errors';

/** The contract's answer to a request no route matched: 404 and the envelope. */
export function answerRouteNotFound(_req: Request, res: Response): void {
  // As the global filter: a response already under way is left alone.
  if (res.headersSent) return;
  res
    .status(COMMON_ERRORS.routeNotFound.status)
    .json({ success: false, message: COMMON_ERRORS.routeNotFound.message });
}

/**
 * Nest's Express adapter, answering unmatched routes directly. Nest's own handler throws a
 * NotFoundException (capturing a stack trace) only for the global filter to turn it into the
 * same envelope; a scanner probing paths should cost less than that.
 */
export class ApiExpressAdapter extends ExpressAdapter {
  override setNotFoundHandler(): unknown {
    return this.use(answerRouteNotFound);
  }
}
