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
import { AppError } from '../errors/app-error';
import { pathOnly } from '../logging/logger.options';

export interface ErrorBody {
  success: false;
  message: string;
  [key: string]: unknown;
}

interface Mapped {
  status: number;
  body: ErrorBody;
}

export const DUPLICATE_EMAIL_MESSAGE =
  'An account with this email already exists. Log in instead, or sign up with another email.';

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
  const fields = [error.keyPattern, error.keyValue].flatMap((value) =>
    value !== null && typeof value === 'object' ? Object.keys(value) : [],
  );
  const mentionsEmail =
    fields.includes('emailId') ||
    (fields.length === 0 &&
      typeof error.message === 'string' &&
      /\bemailId(_1)?\b/.test(error.message));
  return mentionsEmail ? DUPLICATE_EMAIL_MESSAGE : 'Resource already exists';
}

/** Turns every error into the contract's envelope (§1.4). Only real faults become 500. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const { status, body } = this.map(exception, request);
    if (response.headersSent) return;
    response.status(status).json(body);
  }

  private map(exception: unknown, request: Request): Mapped {
    if (exception instanceof AppError) {
      return this.envelope(exception.status, exception.message, exception.extra);
    }
    if (exception instanceof NotFoundException && this.isUnmatchedRoute(exception)) {
      return this.envelope(HttpStatus.NOT_FOUND, 'Not Found');
    }
    if (exception instanceof HttpException) {
      return this.envelope(exception.getStatus(), this.httpExceptionMessage(exception));
    }
    if (exception instanceof mongo.MongoServerError && isDuplicateKeyError(exception)) {
      return this.envelope(HttpStatus.CONFLICT, duplicateKeyMessage(exception));
    }
    if (exception instanceof MongooseError.CastError) {
      return this.envelope(HttpStatus.BAD_REQUEST, `Invalid value for ${exception.path}`);
    }
    if (exception instanceof MongooseError.ValidationError) {
      const first = Object.values(exception.errors)[0];
      return this.envelope(HttpStatus.BAD_REQUEST, first?.message ?? 'Validation failed');
    }
    const errorId = randomUUID();
    this.logger.error({
      msg: 'Unhandled error',
      errorId,
      err: exception,
      method: request.method,
      url: pathOnly(request.originalUrl),
    });
    return this.envelope(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal Server Error', { errorId });
  }

  private envelope(status: number, message: string, extra?: Record<string, unknown>): Mapped {
    return { status, body: { success: false, message, ...extra } };
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
