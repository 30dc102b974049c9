import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue } from '../../common/errors/app-error';

export const NOTIFICATION_ERRORS = {
  readSelection: {
    code: 'NOTIFICATIONS_READ_SELECTION',
    status: HttpStatus.BAD_REQUEST,
    message: 'Send either ids (a list of notification ids) or all: true, not both',
  },
} as const satisfies ErrorCatalogue;
