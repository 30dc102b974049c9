import {
  ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  HttpException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { Error as MongooseError, mongo } from 'mongoose';
import { AppError, appError, errorMessage } from '../errors/app-error';
import { COMMON_ERRORS } from '../errors/common.errors';
import { AllExceptionsFilter, duplicateKeyMessage } from './all-exceptions.filter';

const DUPLICATE_EMAIL_MESSAGE = COMMON_ERRORS.emailTaken.message;
const DUPLICATE_KEY_MESSAGE = COMMON_ERRORS.duplicateKey.message;

describe('duplicateKeyMessage', () => {
  it.each([
    [
      'MongoDB names the key (keyPattern)',
      { keyPattern: { emailId: 1 }, keyValue: { emailId: 'a@b.co' } },
      DUPLICATE_EMAIL_MESSAGE,
    ],
    ['only keyValue', { keyValue: { emailId: 'a@b.co' } }, DUPLICATE_EMAIL_MESSAGE],
    [
      'FerretDB may name only the index in the message',
      { message: 'E11000 duplicate key error collection: devlink.users index: emailId_1 dup key' },
      DUPLICATE_EMAIL_MESSAGE,
    ],
    [
      'another unique key',
      { keyPattern: { pairKey: 1 }, message: 'pairKey_1' },
      DUPLICATE_KEY_MESSAGE,
    ],
    [
      'keyPattern wins over a message that mentions emailId in a value',
      { keyPattern: { key: 1 }, message: 'dup key: { key: "emailId" }' },
      DUPLICATE_KEY_MESSAGE,
    ],
    ['nothing to go on', {}, DUPLICATE_KEY_MESSAGE],
    [
      'a field merely containing the word',
      { message: 'index: backupEmailIds_1' },
      DUPLICATE_KEY_MESSAGE,
    ],
  ])('%s', (_name, error, message) => {
    expect(duplicateKeyMessage(error)).toBe(message);
  });

  it('says what happened and what to do', () => {
    expect(DUPLICATE_EMAIL_MESSAGE).toBe(
      'An account with this email already exists. Log in instead, or sign up with another email.',
    );
  });
});

/** Runs the filter on one exception as an HTTP request would, capturing the response. */
function respond(exception: unknown, { headersSent = false, url = '/x?token=secret' } = {}) {
  const sent: {
    status?: number;
    body?: Record<string, unknown>;
    headers: Record<string, string>;
  } = { headers: {} };
  interface FakeResponse {
    headersSent: boolean;
    getHeader: (name: string) => string | undefined;
    setHeader: (name: string, value: string) => void;
    status: jest.Mock<FakeResponse, [number]>;
    json: jest.Mock<FakeResponse, [Record<string, unknown>]>;
  }
  const response: FakeResponse = {
    headersSent,
    getHeader: (name: string) => sent.headers[name],
    setHeader: (name: string, value: string) => {
      sent.headers[name] = value;
    },
    status: jest.fn((status: number) => {
      sent.status = status;
      return response;
    }),
    json: jest.fn((body: Record<string, unknown>) => {
      sent.body = body;
      return response;
    }),
  };
  const request = { method: 'POST', originalUrl: url };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return { ...sent, response };
}

const duplicateKey = (fields: Record<string, unknown>) =>
  new mongo.MongoServerError({
    message: `E11000 duplicate key error index: ${Object.keys(fields).join('_')}_1`,
    code: 11000,
    keyPattern: Object.fromEntries(Object.keys(fields).map((key) => [key, 1])),
    keyValue: fields,
  });

function validationError() {
  const error = new MongooseError.ValidationError();
  error.addError(
    'status',
    new MongooseError.ValidatorError({ message: 'status is not allowed', path: 'status' }),
  );
  return error;
}

describe('AllExceptionsFilter', () => {
  let logError: jest.SpyInstance;
  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logError.mockRestore());

  it.each(Object.values(COMMON_ERRORS).map((entry) => [entry.code, entry.status, entry] as const))(
    'AppError %s → %i with its message',
    (_code, status, entry) => {
      expect(respond(new AppError(entry, 'What happened'))).toMatchObject({
        status,
        body: { success: false, message: 'What happened', code: entry.code },
      });
      expect(logError).not.toHaveBeenCalled();
    },
  );

  it('an AppError from a catalogue entry answers its status and message', () => {
    expect(respond(appError(COMMON_ERRORS.invalidId, 'userId'))).toMatchObject({
      status: 400,
      body: { success: false, message: 'Invalid userId', code: 'INVALID_ID' },
    });
  });

  it('an AppError carries its extra keys into the body (429 retry times)', () => {
    const extra = { retryAfter: 2, retryAfterSeconds: 90, retryAt: '2025-01-01T00:01:30.000Z' };
    expect(respond(new AppError(COMMON_ERRORS.tooManyRequests, 'Slow down', extra)).body).toEqual({
      success: false,
      message: 'Slow down',
      code: 'RATE_LIMITED',
      ...extra,
    });
  });

  it('a 429 AppError with retryAfterSeconds sets Retry-After (e.g. the daily swipe limit)', () => {
    const extra = { retryAfter: 2, retryAfterSeconds: 90, retryAt: '2025-01-01T00:01:30.000Z' };
    const { headers } = respond(new AppError(COMMON_ERRORS.tooManyRequests, 'Slow down', extra));
    expect(headers).toEqual({ 'Retry-After': '90' });
  });

  it.each<[string, unknown, number, string, string]>([
    [
      'an unmatched route',
      new NotFoundException('Cannot GET /nope'),
      404,
      COMMON_ERRORS.routeNotFound.message,
      'ROUTE_NOT_FOUND',
    ],
    [
      'an unmatched route (other method)',
      new NotFoundException('Cannot DELETE /a/b'),
      404,
      COMMON_ERRORS.routeNotFound.message,
      'ROUTE_NOT_FOUND',
    ],
    [
      'a 404 with its own message',
      new NotFoundException('User not found'),
      404,
      'User not found',
      'NOT_FOUND',
    ],
    [
      'a Nest exception with a message',
      new BadRequestException('name must be a string'),
      400,
      'name must be a string',
      'BAD_REQUEST',
    ],
    [
      'an array of messages: the first',
      new BadRequestException(['first', 'second']),
      400,
      'first',
      'BAD_REQUEST',
    ],
    [
      'an empty array of messages',
      new BadRequestException([]),
      400,
      'Bad Request Exception',
      'BAD_REQUEST',
    ],
    ['no message: the default', new UnauthorizedException(), 401, 'Unauthorized', 'UNAUTHORIZED'],
    [
      'a string response',
      new HttpException('I am a teapot', 418),
      418,
      'I am a teapot',
      'I_AM_A_TEAPOT',
    ],
    ['a status Nest has no name for', new HttpException('Odd', 499), 499, 'Odd', 'HTTP_499'],
    [
      'an object response without a message',
      new HttpException({ code: 7 }, 409),
      409,
      'Http Exception',
      'CONFLICT',
    ],
    [
      'a non-string message',
      new HttpException({ message: { nested: true } }, 400),
      400,
      'Http Exception',
      'BAD_REQUEST',
    ],
    [
      '413 from Nest',
      new PayloadTooLargeException(),
      413,
      'Payload Too Large',
      'PAYLOAD_TOO_LARGE',
    ],
    ['403 from Nest', new ForbiddenException('Nope'), 403, 'Nope', 'FORBIDDEN'],
    [
      'a duplicate email',
      duplicateKey({ emailId: 'a@b.co' }),
      409,
      DUPLICATE_EMAIL_MESSAGE,
      'EMAIL_ALREADY_REGISTERED',
    ],
    [
      'a duplicate pair',
      duplicateKey({ pairKey: 'a_b' }),
      409,
      DUPLICATE_KEY_MESSAGE,
      'DUPLICATE_KEY',
    ],
    [
      'a duplicate of a compound key',
      duplicateKey({ fromUserId: 'a', toUserId: 'b' }),
      409,
      DUPLICATE_KEY_MESSAGE,
      'DUPLICATE_KEY',
    ],
    [
      'a cast error',
      new MongooseError.CastError('ObjectId', 'zzz', '_id'),
      400,
      errorMessage(COMMON_ERRORS.invalidValue, '_id'),
      'INVALID_VALUE',
    ],
    [
      'a schema validation error',
      validationError(),
      400,
      'status is not allowed',
      'VALIDATION_FAILED',
    ],
    [
      'a schema validation error without details',
      new MongooseError.ValidationError(),
      400,
      COMMON_ERRORS.validationFailed.message,
      'VALIDATION_FAILED',
    ],
  ])('%s → %i', (_name, exception, status, message, code) => {
    expect(respond(exception)).toEqual(
      expect.objectContaining({ status, body: { success: false, message, code } }),
    );
    expect(logError).not.toHaveBeenCalled();
  });

  it.each<[string, unknown]>([
    ['an Error', new Error('db password is hunter2')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    [
      'another server error',
      new mongo.MongoServerError({ message: 'unknown operator: $foo', code: 2 }),
    ],
    ['a plain object with the duplicate key code', { code: 11000, message: 'E11000' }],
    [
      'a body-parser server error',
      Object.assign(new Error('stream encoding should not be set'), {
        status: 500,
        type: 'stream.encoding.set',
      }),
    ],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
  ])('%s → 500 with an errorId that is also logged, nothing leaked', (_name, exception) => {
    const { status, body } = respond(exception);
    expect(status).toBe(500);
    expect(body).toEqual({
      success: false,
      message: COMMON_ERRORS.internal.message,
      code: 'INTERNAL_ERROR',
      errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError).toHaveBeenCalledWith(
      expect.objectContaining({
        msg: 'Unhandled error',
        code: 'INTERNAL_ERROR',
        errorId: body?.errorId,
        err: exception,
        method: 'POST',
        url: '/x',
      }),
    );
  });

  it.each<[string, unknown]>([
    ['Redis unreachable (ioredis, no offline queue)', new Error('Connection is closed.')],
    ['MongoDB unreachable', new mongo.MongoNetworkError('connection 1 to 127.0.0.1:27017 closed')],
  ])('%s → 503 envelope with Retry-After, a warning, no errorId', (_name, exception) => {
    const logWarn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { status, body, headers } = respond(exception);
    expect(status).toBe(503);
    expect(body).toEqual({
      success: false,
      message: COMMON_ERRORS.serviceUnavailable.message,
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(headers['Retry-After']).toBe('5');
    expect(logError).not.toHaveBeenCalled();
    expect(logWarn).toHaveBeenCalledWith(
      expect.objectContaining({
        msg: 'Dependency unavailable; answered 503',
        code: 'SERVICE_UNAVAILABLE',
        url: '/x',
      }),
    );
    logWarn.mockRestore();
  });

  it('each 500 gets its own errorId', () => {
    const first = respond(new Error('a')).body?.errorId;
    const second = respond(new Error('a')).body?.errorId;
    expect(first).not.toBe(second);
  });

  it('writes nothing once the headers are sent', () => {
    const { response } = respond(appError(COMMON_ERRORS.routeNotFound), { headersSent: true });
    expect(response.status).not.toHaveBeenCalled();
    expect(response.json).not.toHaveBeenCalled();
  });

  it('leaves non-HTTP contexts (sockets, queues) to their own handling', () => {
    const error = new Error('ws');
    const host = { getType: () => 'ws' } as unknown as ArgumentsHost;
    expect(() => new AllExceptionsFilter().catch(error, host)).toThrow(error);
  });
});
