import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import { errorBody } from '../errors/app-error';
import { COMMON_ERRORS } from '../errors/common.errors';
import { isWriteAllowed, originPolicy } from './origin-check';

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Refuses writes sent by other sites (403 envelope). Only needed when cookies are
 * `SameSite=None`: then a body-less POST needs no CORS preflight, so any page could make a
 * signed-in user's browser send one. Returns undefined when SameSite already keeps cookies off
 * cross-site requests.
 */
export function originCheckMiddleware(config: AppConfig): RequestHandler | undefined {
  if (config.auth.cookieSameSite !== 'none') return undefined;
  const policy = originPolicy(config.frontendUrl, config.globalPrefix);
  return function originCheck(req: Request, res: Response, next: NextFunction): void {
    const allowed = isWriteAllowed(
      {
        method: req.method,
        path: req.path,
        origin: header(req, 'origin'),
        referer: header(req, 'referer'),
        secFetchSite: header(req, 'sec-fetch-site'),
      },
      policy,
    );
    if (allowed) {
      next();
      return;
    }
    res
      .status(COMMON_ERRORS.crossSiteWrite.status)
      .json(errorBody(COMMON_ERRORS.crossSiteWrite, COMMON_ERRORS.crossSiteWrite.message));
  };
}
