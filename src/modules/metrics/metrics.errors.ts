import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue } from '../../common/errors/app-error';

/** Refusals of the operational endpoints (GET /metrics on the API and the worker). */
export const METRICS_ERRORS = {
  tokenRequired: {
    code: 'METRICS_TOKEN_REQUIRED',
    status: HttpStatus.UNAUTHORIZED,
    message: 'A valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)',
  },
} as const satisfies ErrorCatalogue;
