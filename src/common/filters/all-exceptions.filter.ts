import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { mongo, Error as MongooseError } from 'mongoose';
import { isDuplicateKeyError } from '../database/duplicate-key';
import { AppError, errorBody, errorMessage, type ErrorBody } from '../errors/app-error';
import { COMMON_ERRORS } from '../errors/common.errors';
import {
  isDependencyUnavailable,
  RETRY_AFTER_UNAVAILABLE_SECONDS,
} from '../errors/dependency-unavailable';
import { pathOnly } from '../logging/logger.options';

interface Mapped {
  status: number;
  body: ErrorBody;
  /** Sent as `Retry-After` (seconds). */
  retryAfterSeconds?: number;
}

/**
 * The message for a unique-index violation: specific for the fields users meet (emailId at
 * signup), the generic contract message otherwise. MongoDB names the fields in `keyPattern` /
 * `keyValue`; FerretDB may only name the index in the message (`emailId_1`).
 */
export function duplicateKeyMessage(error: {
  keyPattern?: unknown;
  keyValue?: unknown;
  message?: unknown;
}): string {
  return duplicateKeyEntry(error).message;
}

/** The catalogue entry for a unique-index violation (see {@link duplicateKeyMessage}). */
export function duplicateKeyEntry(error: {
  keyPattern?: unknown;
  keyValue?: unknown;
  message?: unknown;
}): typeof COMMON_ERRORS.emailTaken | typeof COMMON_ERRORS.duplicateKey {
  const fields = [error.keyPattern, error.keyValue].flatMap((value) =>
    value !== null && typeof value === 'object' ? Object.keys(value) : [],
  );
  const mentionsEmail =
    fields.includes('emailId') ||
    (fields.length === 0 &&
      typeof error.message === 'string' &&
      /\bemailId(_1)?\b/.test(error.message));
  return mentionsEmail ? COMMON_ERRORS.emailTaken : COMMON_ERRORS.duplicateKey;
}

/**
 * The code of a Nest HttpException that no catalogue entry covers: the status's name
 * (`BAD_REQUEST`, `NOT_FOUND`, `PAYLOAD_TOO_LARGE`…). A catalogue code that is also a status
 * name (`SERVICE_UNAVAILABLE`) has that status, so both mean the same (error-catalogue.spec.ts).
 */
export function httpStatusCode(status: number): string {
  const name = (HttpStatus as unknown as Record<number, string | undefined>)[status];
  return name ?? `HTTP_${status}`;
}

/** Turns every error into the contract's envelope (§1.4). Only real faults become 500. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const { status, body, retryAfterSeconds } = this.map(exception, request);
    if (response.headersSent) return;
    // A 429 thrown by a service (e.g. the daily swipe limit) carries its seconds in the body.
    if (
      status === 429 &&
      typeof body.retryAfterSeconds === 'number' &&
      !response.getHeader('Retry-After')
    ) {
      response.setHeader('Retry-After', String(body.retryAfterSeconds));
    }
    if (retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(retryAfterSeconds));
    }
    response.status(status).json(body);
  }

  private map(exception: unknown, request: Request): Mapped {
    if (exception instanceof AppError) {
      return this.envelope(exception.status, exception, exception.message, exception.extra);
    }
    if (exception instanceof NotFoundException && this.isUnmatchedRoute(exception)) {
      const { status, message } = COMMON_ERRORS.routeNotFound;
      return this.envelope(status, COMMON_ERRORS.routeNotFound, message);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return this.envelope(
        status,
        { code: httpStatusCode(status) },
        this.httpExceptionMessage(exception),
      );
    }
    if (exception instanceof mongo.MongoServerError && isDuplicateKeyError(exception)) {
      const entry = duplicateKeyEntry(exception);
      return this.envelope(entry.status, entry, entry.message);
    }
    if (isDependencyUnavailable(exception)) {
      this.logger.warn({
        msg: 'Dependency unavailable; answered 503',
        code: COMMON_ERRORS.serviceUnavailable.code,
        err: { name: (exception as Error).name, message: (exception as Error).message },
        method: request.method,
        url: pathOnly(request.originalUrl),
      });
      return {
        ...this.envelope(
          COMMON_ERRORS.serviceUnavailable.status,
          COMMON_ERRORS.serviceUnavailable,
          COMMON_ERRORS.serviceUnavailable.message,
        ),
        retryAfterSeconds: RETRY_AFTER_UNAVAILABLE_SECONDS,
      };
    }
    if (exception instanceof MongooseError.CastError) {
      return this.envelope(
        COMMON_ERRORS.invalidValue.status,
        COMMON_ERRORS.invalidValue,
        errorMessage(COMMON_ERRORS.invalidValue, exception.path),
      );
    }
    if (exception instanceof MongooseError.ValidationError) {
      const first = Object.values(exception.errors)[0];
      return this.envelope(
        COMMON_ERRORS.validationFailed.status,
        COMMON_ERRORS.validationFailed,
        first?.message ?? COMMON_ERRORS.validationFailed.message,
      );
    }
    const errorId = randomUUID();
    this.logger.error({
      msg: 'Unhandled error',
      code: COMMON_ERRORS.internal.code,
      errorId,
      err: exception,
      method: request.method,
      url: pathOnly(request.originalUrl),
    });
    return this.envelope(
      COMMON_ERRORS.internal.status,
      COMMON_ERRORS.internal,
      COMMON_ERRORS.internal.message,
      {
        errorId,
      },
    );
  }

  private envelope(
    status: number,
    entry: { code: string },
    message: string,
    extra?: Record<string, unknown>,
  ): Mapped {
    return { status, body: errorBody(entry, message, extra) };
  }

  private isUnmatchedRoute(exception: NotFoundException): boolean {
    return /^Cannot [A-Z]+ /.test(exception.message);
  }

  /** Nest's own exceptions may carry an array of messages; the SPA needs exactly one string. */
  private httpExceptionMessage(exception: HttpException): string {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) return String(message[0] ?? exception.message);
    return typeof message === 'string' ? message : exception.message;
  }
}
