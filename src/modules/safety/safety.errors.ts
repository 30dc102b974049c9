import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue, ParameterisedErrorEntry } from '../../common/errors/app-error';
import { USER_ERRORS } from '../users/users.errors';
import {
  MAX_REPORT_DETAILS_LENGTH,
  MAX_REPORT_NOTE_LENGTH,
  REPORT_DECISIONS,
  REPORT_REASONS,
  REPORT_STATUSES,
} from './report.rules';

/** Every refusal of the block, report and admin report routes. */
export const SAFETY_ERRORS = {
  userNotFound: USER_ERRORS.notFound,
  blockSelf: {
    code: 'BLOCK_SELF',
    status: HttpStatus.BAD_REQUEST,
    message: 'You cannot block yourself',
  },
  blockNotFound: {
    code: 'BLOCK_NOT_FOUND',
    status: HttpStatus.NOT_FOUND,
    message: 'You have not blocked this user',
  },
  reportSelf: {
    code: 'REPORT_SELF',
    status: HttpStatus.BAD_REQUEST,
    message: 'You cannot report yourself',
  },
  reportInvalidReason: {
    code: 'REPORT_INVALID_REASON',
    status: HttpStatus.BAD_REQUEST,
    message: `reason must be one of: ${REPORT_REASONS.join(', ')}`,
  },
  reportDetailsTooLong: {
    code: 'REPORT_DETAILS_TOO_LONG',
    status: HttpStatus.BAD_REQUEST,
    message: `details must be at most ${MAX_REPORT_DETAILS_LENGTH} characters`,
  },
  reportAlreadyOpen: {
    code: 'REPORT_ALREADY_OPEN',
    status: HttpStatus.CONFLICT,
    message: 'You already have an open report about this user',
  },
  reportRateLimited: {
    code: 'REPORT_RATE_LIMITED',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: (minutes: number) =>
      `You have sent too many reports. Try again in ${minutes} minute(s)`,
  } satisfies ParameterisedErrorEntry<[minutes: number]>,
  reportNotFound: {
    code: 'REPORT_NOT_FOUND',
    status: HttpStatus.NOT_FOUND,
    message: 'Report not found',
  },
  reportInvalidDecision: {
    code: 'REPORT_INVALID_DECISION',
    status: HttpStatus.BAD_REQUEST,
    message: `status must be one of: ${REPORT_DECISIONS.join(', ')}`,
  },
  reportNoteTooLong: {
    code: 'REPORT_NOTE_TOO_LONG',
    status: HttpStatus.BAD_REQUEST,
    message: `note must be at most ${MAX_REPORT_NOTE_LENGTH} characters`,
  },
  reportInvalidStatusFilter: {
    code: 'REPORT_INVALID_STATUS_FILTER',
    status: HttpStatus.BAD_REQUEST,
    message: `status must be one of: ${REPORT_STATUSES.join(', ')}`,
  },
  adminCredentialsRequired: {
    code: 'ADMIN_CREDENTIALS_REQUIRED',
    status: HttpStatus.UNAUTHORIZED,
    message: 'The reports list needs the administrator user name and password',
  },
} as const satisfies ErrorCatalogue;
