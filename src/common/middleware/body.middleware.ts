import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { json } from 'express';
import { BoundedMemo } from '../cache/bounded-memo';
import { errorBody, errorMessage, type FixedErrorEntry } from '../errors/app-error';
import { COMMON_ERRORS } from '../errors/common.errors';
import { isWellFormedText } from '../validation/text-rules';
import { queryTextOf } from '../http/query-once';

export const JSON_BODY_LIMIT = '100kb';

/** Deepest nesting of objects/arrays accepted in a body or query (ours need 2 or 3 levels). */
export const MAX_INPUT_DEPTH = 32;

/** Routes whose raw bytes must be kept verbatim (HMAC checks), e.g. the payment webhook. */
const RAW_BODY_PATHS = [/\/payment\/webhook\/?$/i];

interface RequestWithRawBody extends Request {
  rawBody?: Buffer;
}

/**
 * JSON parser with the contract's 100 kB limit; keeps the raw bytes for webhook routes only.
 * Compressed request bodies are refused (`inflate: false` → 415): the SPA never compresses, and
 * inflating would only add a decompression path (and its errors) for attackers to use.
 */
export function jsonBodyParser(): RequestHandler {
  const parse = json({
    limit: JSON_BODY_LIMIT,
    inflate: false,
    verify: (req: RequestWithRawBody, _res, buffer) => {
      if (RAW_BODY_PATHS.some((pattern) => pattern.test(req.originalUrl ?? req.url))) {
        req.rawBody = Buffer.from(buffer);
      }
    },
  });
  // Most requests are GETs without a body: skip body-parser's checks for them.
  return function jsonBody(req, res, next) {
    if (carriesBody(req.headers)) parse(req, res, next);
    else next();
  };
}

/**
 * Whether a request has a body to read, by body-parser's own test (type-is `hasBody`): a
 * Transfer-Encoding header, or a Content-Length that is a number (even 0).
 */
export function carriesBody(headers: IncomingHttpHeaders): boolean {
  return (
    headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(headers['content-length']))
  );
}

/** Whether a request URL may carry a query string (`req.query` is `{}` when it cannot). */
export function hasQueryString(url: string | undefined): boolean {
  return url === undefined || url.includes('?');
}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  encoding?: unknown;
  charset?: unknown;
}

/** A refused input: the catalogue code and the message for the envelope. */
export interface InputProblem {
  code: string;
  message: string;
}

/**
 * The status, code and message for an error raised while reading or parsing a request body, or
 * undefined when it is not a client error (then the global filter answers 500 with an id).
 */
export function bodyParserErrorResponse(
  error: unknown,
): (InputProblem & { status: number }) | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, encoding, charset } = error as BodyParserError;
  const fixed = ({ status, code, message }: FixedErrorEntry) => ({
    status: status as number,
    code,
    message,
  });
  switch (type) {
    case 'entity.parse.failed':
      return fixed(COMMON_ERRORS.malformedJson);
    case 'entity.too.large':
      return {
        status: COMMON_ERRORS.bodyTooLarge.status,
        code: COMMON_ERRORS.bodyTooLarge.code,
        message: errorMessage(COMMON_ERRORS.bodyTooLarge, JSON_BODY_LIMIT),
      };
    case 'encoding.unsupported':
      return {
        status: COMMON_ERRORS.encodingUnsupported.status,
        code: COMMON_ERRORS.encodingUnsupported.code,
        message: errorMessage(
          COMMON_ERRORS.encodingUnsupported,
          typeof encoding === 'string' ? encoding : 'unknown',
        ),
      };
    case 'charset.unsupported':
      return {
        status: COMMON_ERRORS.charsetUnsupported.status,
        code: COMMON_ERRORS.charsetUnsupported.code,
        message: errorMessage(
          COMMON_ERRORS.charsetUnsupported,
          typeof charset === 'string' ? charset : 'unknown',
        ),
      };
    case 'request.aborted':
    case 'request.size.invalid':
      return fixed(COMMON_ERRORS.bodyIncomplete);
  }
  // Any other client error raised while reading the body (http-errors 4xx) still gets an envelope.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      code: COMMON_ERRORS.bodyInvalid.code,
      message: COMMON_ERRORS.bodyInvalid.message,
    };
  }
  return undefined;
}

/** Body-parser failures become envelopes: malformed JSON → 400, too large → 413, compressed → 415. */
export const bodyParserErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  const response = bodyParserErrorResponse(error);
  if (!response) {
    next(error);
    return;
  }
  res.status(response.status).json(errorBody(response, response.message));
};

function childPath(parent: string, key: string, inArray: boolean): string {
  if (inArray) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

function walk(
  value: unknown,
  path: string,
  depth: number,
  where: string,
): InputProblem | undefined {
  if (typeof value === 'string') {
    if (isWellFormedText(value)) return undefined;
    const entry = COMMON_ERRORS.textNotUnicode;
    return { code: entry.code, message: errorMessage(entry, path || where) };
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_INPUT_DEPTH) {
    const entry = COMMON_ERRORS.nestedTooDeep;
    return { code: entry.code, message: errorMessage(entry, where, MAX_INPUT_DEPTH) };
  }
  const inArray = Array.isArray(value);
  for (const [key, child] of Object.entries(value)) {
    if (!isWellFormedText(key)) {
      const entry = COMMON_ERRORS.fieldNameNotUnicode;
      return { code: entry.code, message: errorMessage(entry, where) };
    }
    if (key.startsWith('$') || key.includes('[$')) {
      const entry = COMMON_ERRORS.operatorKey;
      return { code: entry.code, message: errorMessage(entry, key) };
    }
    const problem = walk(child, childPath(path, key, inArray), depth + 1, where);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The first reason a parsed body or query cannot be handed to validation, with its code:
 * nesting deeper than {@link MAX_INPUT_DEPTH} (class-transformer and class-validator recurse and
 * would overflow the stack), a string or field name that is not well-formed Unicode (validators
 * throw URIError on lone surrogates), or an operator-like key (`$gt`, or `a[$ne]` in a query).
 */
export function findInputProblem(value: unknown, where = 'Request body'): InputProblem | undefined {
  return walk(value, '', 1, where);
}

/** Query strings checked, kept by their text; longer ones are checked every time. */
const MAX_CHECKED_QUERY_LENGTH = 512;
const checkedQueries = new BoundedMemo<string, InputProblem | null>(256);

/**
 * {@link findInputProblem} of the request's query, which is a function of the query string the
 * parser is given: list routes are asked the same few queries over and over (`?page=1&limit=10`).
 */
function queryProblem(req: Request): InputProblem | undefined {
  const text = queryTextOf(req);
  if (text === undefined || text.length > MAX_CHECKED_QUERY_LENGTH) {
    return findInputProblem(req.query, 'Query string');
  }
  let problem = checkedQueries.get(text);
  if (problem === undefined) {
    problem = findInputProblem(req.query, 'Query string') ?? null;
    checkedQueries.set(text, problem);
  }
  return problem ?? undefined;
}

/**
 * A missing body is an empty object (the SPA posts without one); bodies and queries that are
 * too deep, not valid Unicode or carry operator-like keys are refused before validation.
 */
export function normaliseAndGuardInput(req: Request, res: Response, next: NextFunction): void {
  let problem: InputProblem | undefined;
  if (req.body === undefined || req.body === null) req.body = {};
  else problem = findInputProblem(req.body);
  // Only when there is a query string: parsing one costs more than the test.
  if (!problem && hasQueryString(req.url)) problem = queryProblem(req);
  if (problem) {
    res.status(400).json(errorBody(problem, problem.message));
    return;
  }
  next();
}
