import { HttpStatus } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { appError, AppError, describeErrors, errorMessage } from './common/errors/app-error';
import { COMMON_ERRORS } from './common/errors/common.errors';
import { httpStatusCode } from './common/filters/all-exceptions.filter';
import { allErrorEntries, ERROR_CATALOGUES } from './error-catalogue';
import { AUTH_ERRORS } from './modules/auth/auth.errors';

const entries = allErrorEntries();

/** A message rendered with placeholder arguments (every parameter a string or number works). */
function sampleMessage(message: string | ((...args: never[]) => string)): string {
  if (typeof message === 'string') return message;
  const args = Array.from({ length: message.length }, () => 'x') as never[];
  return message(...args);
}

describe('the error catalogue', () => {
  it('has entries from common and from the features', () => {
    expect(Object.keys(ERROR_CATALOGUES).sort()).toEqual([
      'auth',
      'chat',
      'common',
      'feed',
      'membership',
      'metrics',
      'notifications',
      'payments',
      'presence',
      'profile',
      'queueDashboard',
      'requests',
      'safety',
      'users',
    ]);
    expect(entries.length).toBeGreaterThan(30);
  });

  it('gives every entry its own domain code, in UPPER_SNAKE_CASE', () => {
    const codes = entries.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('uses domain codes, not HTTP status names', () => {
    const httpNames = /^(BAD_REQUEST|UNAUTHORIZED|FORBIDDEN|NOT_FOUND|CONFLICT|TOO_MANY_REQUESTS)$/;
    for (const { code } of entries) expect(code).not.toMatch(httpNames);
  });

  it('a code that is also an HTTP status name has that status (fallback codes mean the same)', () => {
    for (const { code, status } of entries) {
      const named = (HttpStatus as unknown as Record<string, number | undefined>)[code];
      if (named !== undefined) expect({ code, status }).toEqual({ code, status: named });
    }
  });

  it.each(entries.map((entry) => [entry.code, entry] as const))(
    '%s: a 4xx/5xx status and a non-empty, trimmed message',
    (_code, entry) => {
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      const message = sampleMessage(entry.message);
      expect(message.length).toBeGreaterThan(0);
      expect(message).toBe(message.trim());
    },
  );
});

describe("nginx's own error pages (deploy/nginx/errors)", () => {
  const dir = join(__dirname, '..', 'deploy', 'nginx', 'errors');
  const pages = readdirSync(dir).filter((name) => name.endsWith('.json'));
  const byCode = new Map(entries.map((entry) => [entry.code, entry]));

  it.each(pages)('%s is the envelope with a catalogue code or the HTTP status name', (name) => {
    const body = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'success']);
    expect(body.success).toBe(false);
    const status = Number(name.replace('.json', ''));
    const entry = byCode.get(String(body.code));
    if (entry) {
      // Same code, status and (for a fixed message) words as the API's own answer.
      expect(entry.status).toBe(status);
      if (typeof entry.message === 'string') expect(body.message).toBe(entry.message);
    } else {
      expect(body.code).toBe(httpStatusCode(status));
    }
  });
});

describe('appError', () => {
  it('builds an AppError with the entry code, status and message', () => {
    const error = appError(AUTH_ERRORS.invalidCredentials);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
      status: 400,
      message: 'Invalid Credentials',
    });
  });

  it('renders parameterised messages with their arguments', () => {
    expect(appError(COMMON_ERRORS.invalidId, 'requestId').message).toBe('Invalid requestId');
    expect(errorMessage(COMMON_ERRORS.nestedTooDeep, 'Request body', 32)).toBe(
      'Request body is nested too deeply (at most 32 levels)',
    );
  });

  it('describeErrors joins messages for Swagger descriptions', () => {
    expect(
      describeErrors(COMMON_ERRORS.authRequired, errorMessage(COMMON_ERRORS.invalidId, 'userId')),
    ).toBe('Authentication Required | Invalid userId');
  });
});

describe('the catalogue stays the one place for messages', () => {
  const root = __dirname;

  function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
      const path = join(dir, item.name);
      if (item.isDirectory()) return sourceFiles(path);
      return item.name.endsWith('.ts') && !item.name.endsWith('.spec.ts') ? [path] : [];
    });
  }

  const files = sourceFiles(root).filter((file) => !file.endsWith('.errors.ts'));

  it('no AppError is built from a string-literal code or message outside the catalogues', () => {
    // `new AppError('CODE', …)` (the old shape) or `new AppError(entry, 'message' | `message`)`.
    const literal = /new AppError\(\s*(['"`]|[^,()]+,\s*['"`])/;
    const offenders = files
      .filter((file) => literal.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('no Nest HTTP exception carries a literal message outside the catalogues', () => {
    const literal =
      /new (BadRequest|Unauthorized|Forbidden|NotFound|Conflict|PayloadTooLarge|UnprocessableEntity)Exception\(\s*['"`]/;
    const offenders = files
      .filter((file) => literal.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('the scan would catch a literal message', () => {
    const literal = /new AppError\(\s*(['"`]|[^,()]+,\s*['"`])/;
    expect(literal.test(`throw new AppError('BAD_REQUEST', 'Invalid Credentials');`)).toBe(true);
    expect(literal.test('throw new AppError(AUTH_ERRORS.x, `Invalid ${name}`);')).toBe(true);
    expect(literal.test('return new AppError(entry, entry.message(minutes), {')).toBe(false);
  });
});
