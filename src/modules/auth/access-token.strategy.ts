import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { AppConfig } from '../../config/app-config';
import { readCookie } from '../../common/http/cookies';
import { startArmedPrefetch } from '../../common/http/route-prefetch';
import { isObjectIdString } from '../../common/validation/object-id';
import { ACCESS_COOKIE } from './auth-cookies';
import { SessionsService } from './sessions.service';
import { hmacKey, type AccessClaims } from './token.service';

export const ACCESS_STRATEGY = 'access-cookie';

const fromAccessCookie = (req: Request): string | null => readCookie(req, ACCESS_COOKIE) ?? null;

/** passport-jwt reading only the `accessToken` cookie (the Authorization header is ignored). */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_STRATEGY) {
  constructor(
    config: AppConfig,
    private readonly auth: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([fromAccessCookie]),
      // A KeyObject (typed narrower than jsonwebtoken accepts): see hmacKey.
      secretOrKey: hmacKey(config.auth.accessSecret) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  validate(req: Request, claims: Partial<AccessClaims>): Promise<AuthenticatedUser> {
    const authenticated = this.auth.authenticate(claims);
    // Same tick as the session and user reads: the route's own reads join their round trip.
    if (isObjectIdString(claims.userId)) startArmedPrefetch(req, claims.userId);
    return authenticated;
  }
}

export { fromAccessCookie };
