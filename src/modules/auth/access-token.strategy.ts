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
import { VerifiedTokens } from './verified-tokens';

type VerifiedClaims = Partial<AccessClaims> & { exp?: number };

/** Tokens verified recently enough to skip verifying again (one per live tab, at most). */
const VERIFIED_TOKENS_KEPT = 10_000;

export const ACCESS_STRATEGY = 'access-cookie';

const fromAccessCookie = (req: Request): string | null => readCookie(req, ACCESS_COOKIE) ?? null;

/** passport-jwt reading only the `accessToken` cookie (the Authorization header is ignored). */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_STRATEGY) {
  private readonly verified = new VerifiedTokens<VerifiedClaims>(VERIFIED_TOKENS_KEPT);

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

  /** passport-jwt calls this once the token has passed verification. */
  validate(req: Request, claims: VerifiedClaims): Promise<AuthenticatedUser> {
    const token = fromAccessCookie(req);
    if (token) this.verified.remember(token, claims);
    return this.identify(req, claims);
  }

  /** The caller of a request whose access token this process verified before and is unexpired. */
  authenticateVerified(req: Request): Promise<AuthenticatedUser> | undefined {
    const token = fromAccessCookie(req);
    const claims = token ? this.verified.get(token) : undefined;
    return claims ? this.identify(req, claims) : undefined;
  }

  private identify(req: Request, claims: VerifiedClaims): Promise<AuthenticatedUser> {
    const authenticated = this.auth.authenticate(claims);
    // Same tick as the session and user reads: the route's own reads join their round trip.
    if (isObjectIdString(claims.userId)) startArmedPrefetch(req, claims.userId);
    return authenticated;
  }
}

export { fromAccessCookie };
