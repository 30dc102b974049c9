import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, IAuthModuleOptions } from '@nestjs/passport';
import type { Request } from 'express';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { routeMetadataReader } from '../../common/decorators/route-metadata';
import { appError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { ACCESS_STRATEGY, fromAccessCookie } from './access-token.strategy';

/**
 * Global guard: every route needs a valid access cookie unless it says `@Public()`. Every
 * failure is a 401 (the SPA refreshes on 401), with the contract's messages (§1.8).
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_STRATEGY) {
  private readonly isPublic: (context: ExecutionContext) => boolean | undefined;

  constructor(reflector: Reflector) {
    super();
    this.isPublic = routeMetadataReader<boolean>(reflector, IS_PUBLIC);
  }

  override canActivate(context: ExecutionContext) {
    if (context.getType() !== 'http') return true;
    if (this.isPublic(context)) return true;
    if (!fromAccessCookie(context.switchToHttp().getRequest<Request>())) {
      throw appError(COMMON_ERRORS.authRequired);
    }
    return super.canActivate(context);
  }

  override getAuthenticateOptions(): IAuthModuleOptions {
    return { property: 'auth', session: false };
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof Error) throw error;
    if (error || !user) throw appError(COMMON_ERRORS.accessTokenInvalid);
    return user;
  }
}
