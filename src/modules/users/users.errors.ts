import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue } from '../../common/errors/app-error';

/** Errors about users as such, shared by every module that looks one up (profile, requests, auth). */
export const USER_ERRORS = {
  notFound: { code: 'USER_NOT_FOUND', status: HttpStatus.NOT_FOUND, message: 'User not found' },
} as const satisfies ErrorCatalogue;
