import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue } from '../../common/errors/app-error';

export const NOTIFICATION_ERRORS = {
  readSelection: {
    code: 'NOTIFICATIONS_READ_SELECTION',
    status: HttpStatus.BAD_REQUEST,
    message: 'Send either ids (a list of notification ids) or all: true, not both',
  },
  preferencesEmpty: {
    code: 'NOTIFICATION_PREFERENCES_EMPTY',
    status: HttpStatus.BAD_REQUEST,
    message: 'Send digest, missedMessages or both, each true or false',
  },
  preferencesUnknownFields: {
    code: 'NOTIFICATION_PREFERENCES_INVALID_INPUT',
    status: HttpStatus.BAD_REQUEST,
    message: 'Only digest and missedMessages may be changed',
  },
  /** Also for a link whose user is gone: the answer reveals nothing about accounts. */
  unsubscribeLinkInvalid: {
    code: 'UNSUBSCRIBE_LINK_INVALID',
    status: HttpStatus.BAD_REQUEST,
    message: 'This unsubscribe link is not valid; change your email settings in the app instead',
  },
} as const satisfies ErrorCatalogue;
