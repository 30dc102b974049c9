import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { appError } from '../../common/errors/app-error';
import { basicCredentialsMatch } from '../../common/http/credentials';
import { AppConfig } from '../../config/app-config';
import { SAFETY_ERRORS } from './safety.errors';

/**
 * HTTP basic authentication with the queue dashboard's credentials (`ADMIN_USER` /
 * `ADMIN_PASSWORD`), compared in constant time; otherwise 401 with a challenge. The controller
 * it guards is only registered when both are set (SafetyModule.forRoot).
 */
@Injectable()
export class AdminCredentialsGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const credentials = this.config.ops.queueDashboard;
    const authorization = http.getRequest<Request>().headers.authorization;
    if (credentials && basicCredentialsMatch(authorization, credentials)) return true;
    http
      .getResponse<Response>()
      .setHeader('WWW-Authenticate', 'Basic realm="admin", charset="UTF-8"');
    throw appError(SAFETY_ERRORS.adminCredentialsRequired);
  }
}
