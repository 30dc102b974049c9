import type { NextFunction, Request, Response } from 'express';
import { errorBody } from '../../common/errors/app-error';
import { basicCredentialsMatch } from '../../common/http/credentials';
import { QUEUE_DASHBOARD_ERRORS } from './queue-dashboard.errors';

/**
 * HTTP basic authentication in front of Bull Board: `ADMIN_USER` / `ADMIN_PASSWORD`, compared in
 * constant time. A refusal is the API's error envelope with 401 and a `WWW-Authenticate`
 * challenge (the browser asks for the credentials). Express middleware, not a Nest guard: Bull
 * Board is an Express router mounted as middleware, which guards never see.
 */
export function basicAuthMiddleware(credentials: { user: string; password: string }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (basicCredentialsMatch(req.headers.authorization, credentials)) return next();
    const entry = QUEUE_DASHBOARD_ERRORS.credentialsRequired;
    res.setHeader('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"');
    res.status(entry.status).json(errorBody(entry, entry.message));
  };
}
