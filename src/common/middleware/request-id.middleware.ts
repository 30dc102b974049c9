import type { NextFunction, Request, Response } from 'express';
import { requestId } from '../logging/logger.options';

/**
 * Runs first, so responses written before Nest's middleware (body-parser errors: 400, 413, 415)
 * carry `x-request-id` too. pino-http keeps an id already on `req.id`, so logs use the same one.
 */
export function assignRequestId(req: Request, res: Response, next: NextFunction): void {
  const withId = req as Request & { id?: unknown };
  if (typeof withId.id !== 'string') withId.id = requestId(req, res);
  next();
}
