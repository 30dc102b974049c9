import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue, ParameterisedErrorEntry } from './app-error';

/** Rate-limit messages take the minutes left in the window (the SPA counts `retryAfter` down). */
type RateLimitedEntry = ParameterisedErrorEntry<[minutes: number]>;

/**
 * The errors every module can meet: authentication required, bad ids and input, routes that do
 * not exist, unique-index violations, rate limits, faults. Feature errors live beside their module
 * (`<module>/<module>.errors.ts`); `src/error-catalogue.ts` lists them all. The messages are part
 * of the contract (§1, §3): change them only with it.
 */
export const COMMON_ERRORS = {
  authRequired: {
    code: 'AUTH_REQUIRED',
    status: HttpStatus.UNAUTHORIZED,
    message: 'Authentication Required',
  },
  accessTokenInvalid: {
    code: 'AUTH_ACCESS_TOKEN_INVALID',
    status: HttpStatus.UNAUTHORIZED,
    message: 'Invalid or expired access token',
  },
  validationFailed: {
    code: 'VALIDATION_FAILED',
    status: HttpStatus.BAD_REQUEST,
    message: 'Validation failed',
  },
  invalidId: {
    code: 'INVALID_ID',
    status: HttpStatus.BAD_REQUEST,
    message: (name: string) => `Invalid ${name}`,
  },
  invalidValue: {
    code: 'INVALID_VALUE',
    status: HttpStatus.BAD_REQUEST,
    message: (path: string) => `Invalid value for ${path}`,
  },
  malformedJson: {
    code: 'BODY_MALFORMED_JSON',
    status: HttpStatus.BAD_REQUEST,
    message: 'Malformed JSON in request body',
  },
  bodyTooLarge: {
    code: 'BODY_TOO_LARGE',
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    message: (limit: string) => `Request body too large (limit ${limit})`,
  },
  encodingUnsupported: {
    code: 'BODY_ENCODING_UNSUPPORTED',
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    message: (encoding: string) =>
      `Content-Encoding "${encoding}" is not supported; send the request body uncompressed`,
  },
  charsetUnsupported: {
    code: 'BODY_CHARSET_UNSUPPORTED',
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    message: (charset: string) =>
      `Charset "${charset}" is not supported; send the request body as UTF-8`,
  },
  bodyIncomplete: {
    code: 'BODY_INCOMPLETE',
    status: HttpStatus.BAD_REQUEST,
    message: 'Request body was incomplete',
  },
  /** Any other 4xx raised while reading a body; answered with that error's own status. */
  bodyInvalid: {
    code: 'BODY_INVALID',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid request body',
  },
  textNotUnicode: {
    code: 'INPUT_NOT_UNICODE',
    status: HttpStatus.BAD_REQUEST,
    message: (field: string) =>
      `${field} is not valid Unicode text (it contains an unpaired surrogate)`,
  },
  fieldNameNotUnicode: {
    code: 'INPUT_FIELD_NAME_NOT_UNICODE',
    status: HttpStatus.BAD_REQUEST,
    message: (where: string) =>
      `A field name in the ${where.toLowerCase()} is not valid Unicode text`,
  },
  operatorKey: {
    code: 'INPUT_OPERATOR_KEY',
    status: HttpStatus.BAD_REQUEST,
    message: (key: string) => `Field names may not start with "$" (got "${key}")`,
  },
  nestedTooDeep: {
    code: 'INPUT_NESTED_TOO_DEEP',
    status: HttpStatus.BAD_REQUEST,
    message: (where: string, maxDepth: number) =>
      `${where} is nested too deeply (at most ${maxDepth} levels)`,
  },
  /** A write from another site while cookies are SameSite=None (origin-check.middleware.ts). */
  crossSiteWrite: {
    code: 'CROSS_SITE_WRITE',
    status: HttpStatus.FORBIDDEN,
    message: 'Cross-site request refused',
  },
  routeNotFound: {
    code: 'ROUTE_NOT_FOUND',
    status: HttpStatus.NOT_FOUND,
    message: 'Not Found',
  },
  duplicateKey: {
    code: 'DUPLICATE_KEY',
    status: HttpStatus.CONFLICT,
    message: 'Resource already exists',
  },
  /** The unique index on `users.emailId` (signup with a registered email). */
  emailTaken: {
    code: 'EMAIL_ALREADY_REGISTERED',
    status: HttpStatus.CONFLICT,
    message:
      'An account with this email already exists. Log in instead, or sign up with another email.',
  },
  tooManyAttempts: {
    code: 'RATE_LIMITED_ATTEMPTS',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: (minutes: number) => `Too many attempts. Try again in ${minutes} minute(s)`,
  } satisfies RateLimitedEntry,
  tooManyRequests: {
    code: 'RATE_LIMITED',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: (minutes: number) => `Too many requests. Try again in ${minutes} minute(s)`,
  } satisfies RateLimitedEntry,
  tooManyVerificationEmails: {
    code: 'RATE_LIMITED_VERIFICATION_EMAIL',
    status: HttpStatus.TOO_MANY_REQUESTS,
    // Same signature as the other limits; this one does not name the minutes.
    message: (_minutes: number) => 'Too many verification email request. Please wait a few minutes',
  } satisfies RateLimitedEntry,
  /** Redis or MongoDB unreachable (an outage, a restart): retry shortly (`Retry-After`). */
  serviceUnavailable: {
    code: 'SERVICE_UNAVAILABLE',
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: 'Service temporarily unavailable, try again shortly',
  },
  internal: {
    code: 'INTERNAL_ERROR',
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    message: 'Internal Server Error',
  },
} as const satisfies ErrorCatalogue;

/** What the global access guard answers on every protected route (Swagger's 401 description). */
export const PROTECTED_ROUTE_ERRORS = [
  COMMON_ERRORS.authRequired,
  COMMON_ERRORS.accessTokenInvalid,
] as const;
