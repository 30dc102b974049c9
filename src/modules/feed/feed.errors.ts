import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue } from '../../common/errors/app-error';

/** The feed's own refusals (its query validation messages come from the DTO). */
export const FEED_ERRORS = {
  skillFilterNotInPlan: {
    code: 'FEED_SKILL_FILTER_NOT_IN_PLAN',
    status: HttpStatus.FORBIDDEN,
    message: 'Filtering the feed by skills is a PRO and ELITE feature. Upgrade your plan to use it',
  },
} as const satisfies ErrorCatalogue;
