import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';

export const JSON_BODY_LIMIT = '100kb';

/** Routes whose raw bytes must be kept verbatim (HMAC checks), e.g. the payment webhook. */
const RAW_BODY_PATHS = [/\/payment\/webhook\/?$/i];

interface RequestWithRawBody extends Request {
  rawBody?: Buffer;
}

/** JSON parser with the contract's 100 kB limit; keeps the raw bytes for webhook routes only. */
export function jsonBodyParser(): RequestHandler {
  return json({
    limit: JSON_BODY_LIMIT,
    verify: (req: RequestWithRawBody, _res, buffer) => {
      if (RAW_BODY_PATHS.some((pattern) => pattern.test(req.originalUrl ?? req.url))) {
        req.rawBody = Buffer.from(buffer);
      }
    },
  });
}

/** Body-parser failures become envelopes: malformed JSON → 400, too large → 413. */
export const bodyParserErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  const type = (error as { type?: string }).type;
  if (type === 'entity.parse.failed') {
    res.status(400).json({ success: false, message: 'Malformed JSON in request body' });
    return;
  }
  if (type === 'entity.too.large') {
    res
      .status(413)
      .json({ success: false, message: `Request body too large (limit ${JSON_BODY_LIMIT})` });
    return;
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    res.status(415).json({ success: false, message: 'Unsupported request body encoding' });
    return;
  }
  next(error);
};

/** Returns the first key that could act as a MongoDB operator (`$gt`, or `a[$ne]` in a query). */
export function findOperatorKey(value: unknown, depth = 0): string | undefined {
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('$') || key.includes('[$')) return key;
    const nested = findOperatorKey(child, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * A missing body is an empty object (the SPA posts without one), and no body or query may carry
 * operator-like keys: defence in depth behind the DTOs' type checks.
 */
export function normaliseAndGuardInput(req: Request, res: Response, next: NextFunction): void {
  if (req.body === undefined || req.body === null) req.body = {};
  const key = findOperatorKey(req.body) ?? findOperatorKey(req.query);
  if (key) {
    res
      .status(400)
      .json({ success: false, message: `Field names may not start with "$" (got "${key}")` });
    return;
  }
  next();
}
