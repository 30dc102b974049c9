import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue } from '../../common/errors/app-error';

/** Refusals of the queue dashboard (/admin/queues, HTTP basic authentication). */
export const QUEUE_DASHBOARD_ERRORS = {
  credentialsRequired: {
    code: 'QUEUE_DASHBOARD_CREDENTIALS_REQUIRED',
    status: HttpStatus.UNAUTHORIZED,
    message: 'The queue dashboard needs the administrator user name and password',
  },
} as const satisfies ErrorCatalogue;
