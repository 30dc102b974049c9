import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue, ParameterisedErrorEntry } from '../../common/errors/app-error';

/** Refusals of the profile's own actions (field validation messages come from the DTOs). */
export const PROFILE_ERRORS = {
  boostNotInPlan: {
    code: 'PROFILE_BOOST_NOT_IN_PLAN',
    status: HttpStatus.FORBIDDEN,
    message: 'Profile boost is an ELITE feature. Upgrade to ELITE to boost your profile',
  },
  boostCoolingDown: {
    code: 'PROFILE_BOOST_COOLING_DOWN',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: (nextBoostAt: string) =>
      `You can boost your profile once every 7 days; your next boost is available at ${nextBoostAt}`,
  } satisfies ParameterisedErrorEntry<[nextBoostAt: string]>,
  /**
   * A 400, not a 401: the SPA treats a 401 as an ended session and would sign the user out
   * instead of showing the message.
   */
  deletePasswordIncorrect: {
    code: 'ACCOUNT_DELETE_PASSWORD_INCORRECT',
    status: HttpStatus.BAD_REQUEST,
    message: 'Password is incorrect; your account was not deleted',
  },
  deleteUnknownFields: {
    code: 'ACCOUNT_DELETE_INVALID_INPUT',
    status: HttpStatus.BAD_REQUEST,
    message: 'Only password may be sent to delete the account',
  },
  exportRateLimited: {
    code: 'ACCOUNT_EXPORT_RATE_LIMITED',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: (minutes: number) =>
      `You can download your data 3 times per hour. Try again in ${minutes} minute(s)`,
  } satisfies ParameterisedErrorEntry<[minutes: number]>,
} as const satisfies ErrorCatalogue;
