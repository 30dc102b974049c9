import type { NextFunction, Request, Response } from 'express';
import {
  bodyParserErrorResponse,
  carriesBody,
  findInputProblem,
  hasQueryString,
  MAX_INPUT_DEPTH,
  normaliseAndGuardInput,
} from './body.middleware';

/** `depth` arrays nested in each other: `[[[…]]]`. */
function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

/** `value` wrapped in `levels` objects: `{ a: { a: … value } }`. */
function wrap(value: unknown, levels: number): unknown {
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function nestedObjects(depth: number): unknown {
  let value: unknown = { leaf: 'x' };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe('findInputProblem', () => {
  const DEEP = {
    code: 'INPUT_NESTED_TOO_DEEP',
    message: `Request body is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`,
  };
  const OPERATOR = (message: string) => ({ code: 'INPUT_OPERATOR_KEY', message });
  const NOT_UNICODE = (message: string) => ({ code: 'INPUT_NOT_UNICODE', message });

  it.each([
    ['flat body', { emailId: 'a@example.com', password: 'x' }],
    ['empty body', {}],
    ['array of strings', { skills: ['React', 'Go'] }],
    ['emoji', { about: '🦀 and ☕' }],
    ['numbers, booleans and null', { age: 30, ok: true, none: null }],
    [`${MAX_INPUT_DEPTH} levels of arrays`, nestedArrays(MAX_INPUT_DEPTH)],
    [`${MAX_INPUT_DEPTH} levels of objects`, nestedObjects(MAX_INPUT_DEPTH)],
    ['dollar inside a value', { about: '$100 and a[$ne]' }],
  ])('accepts %s', (_name, value) => {
    expect(findInputProblem(value)).toBeUndefined();
  });

  it.each([
    [`${MAX_INPUT_DEPTH + 1} levels of arrays`, nestedArrays(MAX_INPUT_DEPTH + 1), DEEP],
    [`${MAX_INPUT_DEPTH + 1} levels of objects`, nestedObjects(MAX_INPUT_DEPTH + 1), DEEP],
    ['1,500 nested arrays', { emailId: nestedArrays(1500) }, DEEP],
    ['8,000 nested objects', nestedObjects(8000), DEEP],
    [
      'operator key',
      { emailId: { $ne: null } },
      OPERATOR('Field names may not start with "$" (got "$ne")'),
    ],
    [
      'operator key deeper than the old 20-level guard',
      wrap({ $where: '1' }, 24),
      OPERATOR('Field names may not start with "$" (got "$where")'),
    ],
    [
      'lone surrogate in a field',
      { emailId: '\ud800x' },
      NOT_UNICODE('emailId is not valid Unicode text (it contains an unpaired surrogate)'),
    ],
    [
      'lone surrogate in an array item',
      { skills: ['Go', 'Ru\udc00st'] },
      NOT_UNICODE('skills[1] is not valid Unicode text (it contains an unpaired surrogate)'),
    ],
    [
      'lone surrogate in a nested field',
      { profile: { name: '\udbff' } },
      NOT_UNICODE('profile.name is not valid Unicode text (it contains an unpaired surrogate)'),
    ],
    [
      'lone surrogate in a field name',
      { ['\ud800']: 'x' },
      {
        code: 'INPUT_FIELD_NAME_NOT_UNICODE',
        message: 'A field name in the request body is not valid Unicode text',
      },
    ],
  ])('refuses %s', (_name, value, problem) => {
    expect(findInputProblem(value)).toEqual(problem);
  });

  it('names the query string when asked to', () => {
    expect(findInputProblem({ token: '\ud800' }, 'Query string')?.message).toBe(
      'token is not valid Unicode text (it contains an unpaired surrogate)',
    );
    expect(findInputProblem({ 'token[$ne]': 'x' }, 'Query string')?.message).toBe(
      'Field names may not start with "$" (got "token[$ne]")',
    );
    expect(findInputProblem(nestedObjects(40), 'Query string')?.message).toBe(
      `Query string is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`,
    );
  });
});

describe('carriesBody', () => {
  it('is true with a Transfer-Encoding or a numeric Content-Length, even 0 (as body-parser)', () => {
    expect(carriesBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(carriesBody({ 'content-length': '12' })).toBe(true);
    expect(carriesBody({ 'content-length': '0' })).toBe(true);
  });

  it('is false for a GET without either, or with a Content-Length that is no number', () => {
    expect(carriesBody({})).toBe(false);
    expect(carriesBody({ 'content-type': 'application/json' })).toBe(false);
    expect(carriesBody({ 'content-length': 'abc' })).toBe(false);
  });
});

describe('hasQueryString', () => {
  it('is true when the URL has a "?" (even an empty query) or is unknown', () => {
    expect(hasQueryString('/user/feed?page=2')).toBe(true);
    expect(hasQueryString('/health?')).toBe(true);
    expect(hasQueryString(undefined)).toBe(true);
  });

  it('is false for a bare path', () => {
    expect(hasQueryString('/health')).toBe(false);
  });
});

describe('normaliseAndGuardInput', () => {
  function run(body: unknown, query: unknown = {}, url?: string) {
    const req = { body, url } as Request;
    // Express parses the query string on every read of req.query.
    const readQuery = jest.fn(() => query);
    Object.defineProperty(req, 'query', { get: readQuery });
    const res = { status: jest.fn(), json: jest.fn() };
    res.status.mockReturnValue(res);
    const next = jest.fn() as NextFunction;
    normaliseAndGuardInput(req, res as unknown as Response, next);
    return { req, res, next, readQuery };
  }

  it('does not read the query when the URL has none', () => {
    const { next, readQuery } = run(undefined, { 'b[$gt]': '' }, '/health');
    expect(readQuery).not.toHaveBeenCalled();
    expect(next).toHaveBeenCalledTimes(1);
    const withQuery = run(undefined, { 'b[$gt]': '' }, '/feed?b[$gt]=');
    expect(withQuery.next).not.toHaveBeenCalled();
    expect(withQuery.res.status).toHaveBeenCalledWith(400);
  });

  it('turns a missing body into {} and lets clean input through', () => {
    const { req, next, res } = run(undefined);
    expect(req.body).toEqual({});
    expect(next).toHaveBeenCalledTimes(1);
    expect(res.status).not.toHaveBeenCalled();
  });

  it('answers 400 with the envelope for the body first, then the query', () => {
    const { res, next } = run({ a: '\ud800' }, { 'b[$gt]': '' });
    expect(next).not.toHaveBeenCalled();
    expect(res.status).toHaveBeenCalledWith(400);
    expect(res.json).toHaveBeenCalledWith({
      success: false,
      message: 'a is not valid Unicode text (it contains an unpaired surrogate)',
      code: 'INPUT_NOT_UNICODE',
    });
    const query = run({}, { 'b[$gt]': '' });
    expect(query.res.json).toHaveBeenCalledWith({
      success: false,
      message: 'Field names may not start with "$" (got "b[$gt]")',
      code: 'INPUT_OPERATOR_KEY',
    });
  });

  it('checks a query string it has seen before by its text, without parsing it again', () => {
    const url = '/user/feed?page=1&limit=10&memo-spec';
    expect(run(undefined, { page: '1', limit: '10' }, url).readQuery).toHaveBeenCalledTimes(1);
    const again = run(undefined, { page: '1', limit: '10' }, `/other${url}`);
    expect(again.readQuery).not.toHaveBeenCalled();
    expect(again.next).toHaveBeenCalledTimes(1);
  });

  it('keys a checked query by the text the parser is given, not the text after the first "?"', () => {
    // `#` ends the path: the parser sees no query here, so there is nothing to refuse...
    const fragment = run(undefined, {}, '/user/feed#?a[$ne]=memo-hash');
    expect(fragment.next).toHaveBeenCalledTimes(1);
    // ...and that must not vouch for the same text as a real query.
    const real = run(undefined, { 'a[$ne]': 'memo-hash' }, '/user/feed?a[$ne]=memo-hash');
    expect(real.next).not.toHaveBeenCalled();
    expect(real.res.status).toHaveBeenCalledWith(400);
  });

  it('refuses a refused query string again when it comes back', () => {
    const url = '/user/feed?a[$ne]=memo-spec';
    for (let i = 0; i < 2; i++) {
      const { res, next } = run(undefined, { 'a[$ne]': 'memo-spec' }, url);
      expect(next).not.toHaveBeenCalled();
      expect(res.json).toHaveBeenCalledWith({
        success: false,
        message: 'Field names may not start with "$" (got "a[$ne]")',
        code: 'INPUT_OPERATOR_KEY',
      });
    }
  });

  it('checks a query string longer than it keeps every time', () => {
    const url = `/user/feed?q=${'x'.repeat(600)}`;
    for (let i = 0; i < 2; i++) {
      expect(run(undefined, { q: 'x'.repeat(600) }, url).readQuery).toHaveBeenCalledTimes(1);
    }
  });
});

describe('bodyParserErrorResponse', () => {
  const httpError = (status: number, props: Record<string, unknown> = {}) =>
    Object.assign(new Error('x'), { status, statusCode: status, expose: status < 500, ...props });

  it.each([
    [
      'malformed JSON',
      httpError(400, { type: 'entity.parse.failed' }),
      { status: 400, code: 'BODY_MALFORMED_JSON', message: 'Malformed JSON in request body' },
    ],
    [
      'too large',
      httpError(413, { type: 'entity.too.large' }),
      { status: 413, code: 'BODY_TOO_LARGE', message: 'Request body too large (limit 100kb)' },
    ],
    [
      'compressed body',
      httpError(415, { type: 'encoding.unsupported', encoding: 'gzip' }),
      {
        status: 415,
        code: 'BODY_ENCODING_UNSUPPORTED',
        message: 'Content-Encoding "gzip" is not supported; send the request body uncompressed',
      },
    ],
    [
      'unknown charset',
      httpError(415, { type: 'charset.unsupported', charset: 'klingon' }),
      {
        status: 415,
        code: 'BODY_CHARSET_UNSUPPORTED',
        message: 'Charset "klingon" is not supported; send the request body as UTF-8',
      },
    ],
    [
      'aborted upload',
      httpError(400, { type: 'request.aborted' }),
      { status: 400, code: 'BODY_INCOMPLETE', message: 'Request body was incomplete' },
    ],
    [
      'length mismatch',
      httpError(400, { type: 'request.size.invalid' }),
      { status: 400, code: 'BODY_INCOMPLETE', message: 'Request body was incomplete' },
    ],
    [
      'any other client error while reading (e.g. a zlib error wrapped as 400)',
      httpError(400, { code: 'Z_DATA_ERROR' }),
      { status: 400, code: 'BODY_INVALID', message: 'Invalid request body' },
    ],
  ])('%s', (_name, error, expected) => {
    expect(bodyParserErrorResponse(error)).toEqual(expected);
  });

  it.each([
    ['a server fault', httpError(500, { type: 'stream.encoding.set' })],
    ['a plain error', new Error('boom')],
    ['not an error', 'oops'],
    ['null', null],
  ])('leaves %s to the global filter (500 with an error id)', (_name, error) => {
    expect(bodyParserErrorResponse(error)).toBeUndefined();
  });
});
