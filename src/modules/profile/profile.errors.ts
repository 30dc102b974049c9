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
} as const satisfies ErrorCatalogue;
