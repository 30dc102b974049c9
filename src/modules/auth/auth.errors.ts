import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue } from '../../common/errors/app-error';

/**
 * Accounts (login, verification, password change) and sessions (refresh, token identity). The
 * generic "Authentication Required" / "Invalid or expired access token" answers every protected
 * route documents are `COMMON_ERRORS.authRequired` / `accessTokenInvalid`.
 */
export const AUTH_ERRORS = {
  invalidCredentials: {
    code: 'AUTH_INVALID_CREDENTIALS',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid Credentials',
  },
  emailNotVerified: {
    code: 'AUTH_EMAIL_NOT_VERIFIED',
    status: HttpStatus.FORBIDDEN,
    message: 'Please verify your email before logging in',
  },
  verificationLinkInvalid: {
    code: 'AUTH_VERIFICATION_LINK_INVALID',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid or expired verification link',
  },
  passwordsRequired: {
    code: 'AUTH_PASSWORDS_REQUIRED',
    status: HttpStatus.BAD_REQUEST,
    message: 'Current password and new password are required',
  },
  passwordUnchanged: {
    code: 'AUTH_PASSWORD_UNCHANGED',
    status: HttpStatus.BAD_REQUEST,
    message: 'New password should not be the same as the current password',
  },
  newPasswordWeak: {
    code: 'AUTH_NEW_PASSWORD_WEAK',
    status: HttpStatus.BAD_REQUEST,
    message: 'New password is weak',
  },
  currentPasswordIncorrect: {
    code: 'AUTH_CURRENT_PASSWORD_INCORRECT',
    status: HttpStatus.BAD_REQUEST,
    message: 'Current password is incorrect',
  },
  refreshTokenMissing: {
    code: 'AUTH_REFRESH_TOKEN_MISSING',
    status: HttpStatus.UNAUTHORIZED,
    message: 'Refresh token missing',
  },
  refreshTokenInvalid: {
    code: 'AUTH_REFRESH_TOKEN_INVALID',
    status: HttpStatus.UNAUTHORIZED,
    message: 'Invalid refresh token',
  },
  tokenInvalid: {
    code: 'AUTH_TOKEN_INVALID',
    status: HttpStatus.UNAUTHORIZED,
    message: 'Invalid token',
  },
  /** Unknown, used or expired password-reset token (one answer: which one is nobody's business). */
  resetLinkInvalid: {
    code: 'AUTH_RESET_LINK_INVALID',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid or expired password reset link',
  },
  /** Not a live session of the caller's (someone else's, revoked, expired or unknown). */
  sessionNotFound: {
    code: 'AUTH_SESSION_NOT_FOUND',
    status: HttpStatus.NOT_FOUND,
    message: 'Session not found',
  },
  /** A valid session whose user no longer exists: 401 (sign in again), unlike a 404 lookup. */
  userGone: {
    code: 'AUTH_USER_NOT_FOUND',
    status: HttpStatus.UNAUTHORIZED,
    message: 'User not found',
  },
} as const satisfies ErrorCatalogue;
