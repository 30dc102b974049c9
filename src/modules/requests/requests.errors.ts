import { HttpStatus } from '@nestjs/common';
import type {
  ErrorCatalogue,
  FixedErrorEntry,
  ParameterisedErrorEntry,
} from '../../common/errors/app-error';
import { USER_ERRORS } from '../users/users.errors';

/** A path status the route does not take, named in the message (cut to 40 characters). */
type InvalidStatusEntry = ParameterisedErrorEntry<[value: string]>;

/** Every refusal a request route gives (send / review / withdraw / remove and their path params). */
export const REQUEST_ERRORS = {
  invalidSendStatus: {
    code: 'REQUEST_INVALID_SEND_STATUS',
    status: HttpStatus.BAD_REQUEST,
    message: (value: string) => `Invalid Status Type: ${value}`,
  } satisfies InvalidStatusEntry,
  invalidReviewStatus: {
    code: 'REQUEST_INVALID_REVIEW_STATUS',
    status: HttpStatus.BAD_REQUEST,
    message: (value: string) => `Invalid Request Status: ${value}`,
  } satisfies InvalidStatusEntry,
  sendToSelf: {
    code: 'REQUEST_TO_SELF',
    status: HttpStatus.BAD_REQUEST,
    message: 'sending request to yourself is not allowed',
  },
  userNotFound: USER_ERRORS.notFound,
  alreadyExists: {
    code: 'REQUEST_ALREADY_EXISTS',
    status: HttpStatus.BAD_REQUEST,
    message: 'request already exist',
  },
  concurrentSend: {
    code: 'REQUEST_CONCURRENT_SEND',
    status: HttpStatus.CONFLICT,
    message: 'A request between you and this user was just created; reload to see it',
  },
  onlyReceiverReviews: {
    code: 'REQUEST_REVIEW_NOT_RECEIVER',
    status: HttpStatus.FORBIDDEN,
    message: 'Only the receiver can review this request',
  },
  onlySenderWithdraws: {
    code: 'REQUEST_WITHDRAW_NOT_SENDER',
    status: HttpStatus.FORBIDDEN,
    message: 'Only the sender can withdraw this request',
  },
  requestNotFound: {
    code: 'REQUEST_NOT_FOUND',
    status: HttpStatus.NOT_FOUND,
    message: 'Request not found or already reviewed',
  },
  dailySwipeLimit: {
    code: 'REQUEST_DAILY_SWIPE_LIMIT',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: (limit: number, minutes: number) =>
      `You have used your ${limit} swipes for today. Upgrade to PRO or ELITE for unlimited swipes, or try again in ${minutes} minute(s)`,
  } satisfies ParameterisedErrorEntry<[limit: number, minutes: number]>,
  connectionNotFound: {
    code: 'CONNECTION_NOT_FOUND',
    status: HttpStatus.NOT_FOUND,
    message: 'Connection not found',
  },
} as const satisfies ErrorCatalogue;

type Entries = typeof REQUEST_ERRORS;

/** The refusals the request rules decide (fixed messages, no arguments). */
export type RequestErrorName = {
  [K in keyof Entries]: Entries[K] extends FixedErrorEntry ? K : never;
}[keyof Entries];
