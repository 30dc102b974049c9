import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue, ParameterisedErrorEntry } from '../../common/errors/app-error';

/** The active plan and its expiry (ISO date), named in a refused downgrade. */
type DowngradeEntry = ParameterisedErrorEntry<[plan: string, expiry: string]>;

/** Refusals of a plan purchase (contract §3.7), shared by the payments flow through MembershipService. */
export const MEMBERSHIP_ERRORS = {
  invalidPurchase: {
    code: 'MEMBERSHIP_INVALID_PURCHASE',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid input',
  },
  downgradeRefused: {
    code: 'MEMBERSHIP_DOWNGRADE_REFUSED',
    status: HttpStatus.CONFLICT,
    message: (plan: string, expiry: string) =>
      `You already have an active ${plan} membership until ${expiry}; a lower plan can be bought once it ends`,
  } satisfies DowngradeEntry,
} as const satisfies ErrorCatalogue;
