import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bearerTokenMatches } from '../../common/http/credentials';
import { appError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { METRICS_ERRORS } from './metrics.errors';

/** `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time; otherwise 401. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    if (
      bearerTokenMatches(
        http.getRequest<Request>().headers.authorization,
        this.config.ops.metricsToken,
      )
    ) {
      return true;
    }
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    throw appError(METRICS_ERRORS.tokenRequired);
  }
}
