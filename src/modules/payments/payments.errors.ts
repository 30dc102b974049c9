import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue, ParameterisedErrorEntry } from '../../common/errors/app-error';

/** Every refusal the payment routes give (contract §3.7). */
export const PAYMENT_ERRORS = {
  notConfigured: {
    code: 'PAYMENTS_NOT_CONFIGURED',
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: 'Payments are not available: the payment gateway is not configured on this server',
  },
  invalidInput: {
    code: 'PAYMENT_INVALID_INPUT',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid input',
  },
  lowerTier: {
    code: 'PAYMENT_LOWER_TIER',
    status: HttpStatus.CONFLICT,
    message: (plan: string, expiry: string) =>
      `You already have ${plan} until ${expiry}; a lower plan cannot be bought while it is active`,
  } satisfies ParameterisedErrorEntry<[plan: string, expiry: string]>,
  gatewayFailed: {
    code: 'PAYMENT_GATEWAY_FAILED',
    status: HttpStatus.BAD_GATEWAY,
    message: 'The payment gateway did not answer; please try again',
  },
  missingDetails: {
    code: 'PAYMENT_MISSING_DETAILS',
    status: HttpStatus.BAD_REQUEST,
    message: 'Missing payment details',
  },
  invalidSignature: {
    code: 'PAYMENT_INVALID_SIGNATURE',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid signature',
  },
  notFound: {
    code: 'PAYMENT_NOT_FOUND',
    status: HttpStatus.NOT_FOUND,
    message: 'Payment not found',
  },
  invalidWebhookSignature: {
    code: 'PAYMENT_INVALID_WEBHOOK_SIGNATURE',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid webhook signature',
  },
} as const satisfies ErrorCatalogue;
