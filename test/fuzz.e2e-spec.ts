import * as fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import request, { Response } from 'supertest';
import { cookiesFrom, logIn, signUp, signUpAndLogIn, UserSession } from './support/session';
import { RazorpayStub } from './support/razorpay-stub';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Property-based fuzzing of every operation in the OpenAPI document (GET /docs-json), so a new
 * route is fuzzed without touching this file. Each run sends one generated request (path and
 * query parameters, body, content type, cookies, client address) and checks the contract:
 *   - the status is below 500;
 *   - every 4xx body is the envelope `{ success: false, message: <non-empty string>, code }` (extra
 *     keys allowed, e.g. a 429's retryAfter). Success bodies are not checked: GET /health and
 *     /health/ready are not enveloped, but their 4xx answers (input refused) are;
 *   - every response carries `x-request-id` (docs/conventions.md: each response carries one).
 * fast-check shrinks a failure to a minimal request and the message shows it with the response.
 *
 * Seeded by default; `FUZZ_SEED=<int>` and `FUZZ_RUNS=<int>` override, `FUZZ_PATH=<path>` (with the
 * seed fast-check printed) replays one counterexample. Run with `TEST_LOG_LEVEL=error` to see the
 * server's log line (with the `errorId` of the 500 body) for a failure.
 */

const DEFAULT_SEED = 20261130;
const DEFAULT_RUNS = 400;
const SEED = integerFromEnv('FUZZ_SEED') ?? DEFAULT_SEED;
const NUM_RUNS = integerFromEnv('FUZZ_RUNS') ?? DEFAULT_RUNS;
/** Stop generating (and shrinking) after this long; the Jest timeout leaves room for it. */
const TIME_BUDGET_MS = Math.max(40_000, NUM_RUNS * 25);
const REQUEST_DEADLINE_MS = 10_000;

function integerFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// 5xx someone is fixing right now, as exact request shapes (never whole routes), e.g.
//   { name: 'POST /auth/signup with a lone surrogate in emailId',
//     matches: (c) => c.op === 'POST /auth/signup' && ... }
// A request matching one may still answer 5xx (counted in the summary); its 4xx answers are still
// checked and any other 5xx fails. Empty: the bad-gzip, deep-nesting and lone-surrogate 500s of
// issue 8 are fixed (44918e4) and the fuzzer finds none of them.
// ---------------------------------------------------------------------------------------------
interface Known5xx {
  name: string;
  matches: (c: FuzzCase) => boolean;
}

const KNOWN_5XX_BEING_FIXED: Known5xx[] = [];

function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (const ch of text) {
    if (ch === '[' || ch === '{') deepest = Math.max(deepest, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  return deepest;
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document → operations
// ---------------------------------------------------------------------------------------------
interface OpenApiSchema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
}

interface OpenApiParameter {
  name: string;
  in: string;
  schema?: OpenApiSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
  security?: unknown[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

interface Operation {
  /** `POST /auth/signup` */
  key: string;
  method: HttpMethod;
  /** OpenAPI template, e.g. `/profile/{userId}` */
  path: string;
  pathParams: { name: string; enum: string[] }[];
  queryParams: string[];
  /** Property names of the request-body schema ([] when the operation declares no body). */
  bodyFields: string[];
  bodyProperties: Record<string, OpenApiSchema>;
}

function resolveSchema(doc: OpenApiDocument, schema: OpenApiSchema | undefined) {
  const ref = schema?.$ref?.replace('#/components/schemas/', '');
  return ref ? doc.components?.schemas?.[ref] : schema;
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = op.parameters ?? [];
      const bodySchema = resolveSchema(
        doc,
        Object.values(op.requestBody?.content ?? {}).find((c) => c.schema)?.schema,
      );
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method,
        path,
        pathParams: params
          .filter((p) => p.in === 'path')
          .map((p) => ({
            name: p.name,
            enum: (resolveSchema(doc, p.schema)?.enum ?? []).filter(
              (v): v is string => typeof v === 'string',
            ),
          })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: Object.keys(bodySchema?.properties ?? {}),
        bodyProperties: bodySchema?.properties ?? {},
      });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Generated requests
// ---------------------------------------------------------------------------------------------
type Auth = 'session' | 'none' | { cookie: string };

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string | null }
  | { kind: 'raw'; text: string; contentType: string | null }
  | { kind: 'encoded'; bytes: 'garbage' | 'gzip-json' | 'truncated-gzip'; encoding: string };

interface FuzzCase {
  op: string;
  pathValues: string[];
  /** `raw` leaves `/ . % $ [ ] & =` unescaped, so values can change the route or the query. */
  encoding: 'escaped' | 'raw';
  query: [string, string][];
  rawQuery: string[];
  body: Body;
  auth: Auth;
  /** `fresh`: an address no other request used (no rate limit in the way); else a shared one. */
  clientIp: string;
  requestId: string | null;
}

/** The value in about one case out of six, else null: most runs stay hostile in one place. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary, weight: 1 });

/** Long values in a URL stay near Node's 16 KB header limit even percent-encoded (🙂 = 12 bytes). */
const URL_LONG = 1200;

const LONG = (max: number) =>
  fc
    .tuple(fc.constantFrom('x', 'é', '🙂', '\u0000', '%', '\u202e'), fc.integer({ min: 256, max }))
    .map(([unit, times]) => unit.repeat(times));

const HOSTILE_STRINGS = [
  '',
  ' ',
  '%00',
  '\u0000',
  'a\u0000b',
  '../',
  '../../../../etc/passwd',
  '..%2f..%2f',
  '$gt',
  '$where',
  '{"$gt":""}',
  '\ud800',
  '\udfff',
  '\ud800x',
  'x\udc00y',
  '\u202eevil',
  '\u2066x\u2069',
  '\u200b',
  '\ufeff',
  '\r\n',
  'a\r\nSet-Cookie: x=1',
  '\t\u0007\u001b[31m',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1',
  '0',
  '-0',
  '0x1A',
  '1.5',
  '9007199254740993',
  '99999999999999999999999',
  'true',
  '[]',
  '{}',
  '[object Object]',
  '__proto__',
  'constructor',
  'toString',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '%',
  '%zz',
  '%ud800',
  '%E0%A4%A',
  '🙂',
  'e\u0301',
  'İ',
  'ASHA@EXAMPLE.COM ',
  'a@b.co',
  'a@b.co\u0000',
  '\ud800@example.com',
];

/** Header values: Node refuses control characters in outgoing headers. */
const PRINTABLE_ASCII = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const CHARS_ANY_UNIT = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const CHARS_NASTY = fc.constantFrom(
  'a',
  'Z',
  '1',
  ' ',
  '.',
  '$',
  '@',
  '\u0000',
  '\u001b',
  '\r',
  '\n',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udc00',
  'é',
  '🙂',
);

const hostileString = (maxLong: number) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
    { arbitrary: fc.string({ unit: CHARS_NASTY, maxLength: 20 }), weight: 2 },
    { arbitrary: fc.string({ unit: CHARS_ANY_UNIT, maxLength: 20 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
    { arbitrary: LONG(maxLong), weight: 1 },
  );

/** Now and then runs share this address, so a few 429s are checked for the envelope too. */
const SHARED_CLIENT_IP = '203.0.113.99';
let freshAddresses = 0;

/** 10.0.0.1, 10.0.0.2, ...: a new client address for every request, shrinking included. */
function freshClientIp(): string {
  const n = ++freshAddresses;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

const HEX = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
const randomObjectId = fc.oneof(
  { arbitrary: fc.string({ unit: HEX, minLength: 24, maxLength: 24 }), weight: 3 },
  { arbitrary: fc.string({ unit: HEX, minLength: 23, maxLength: 25 }), weight: 1 },
  { arbitrary: fc.constantFrom('000000000000000000000000', 'ffffffffffffffffffffffff'), weight: 1 },
);

const OPERATOR_OBJECTS = [
  { $gt: '' },
  { $ne: null },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  { $in: [] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
];

const FIELD_NAMES = [
  '$gt',
  '$where',
  '__proto__',
  'constructor',
  'prototype',
  '_id',
  'emailVerified',
  'membershipType',
  'onboardingComplete',
  'passwordHash',
  'role',
  'a.b',
  '',
];

/** Plausible values, so some requests get past validation and into services. */
const plausible = fc.oneof(
  fc.constantFrom<unknown>(
    'Amy',
    "O'Brien",
    'Nguyễn',
    'Str0ng!pass',
    'male',
    'female',
    'others',
    25,
    18,
    100,
    ['React', 'Go'],
    'https://example.com/a.png',
    'octocat',
    'Backend developer',
    {},
    [],
  ),
  fc.emailAddress(),
);

const leafValue = fc.oneof(
  { arbitrary: hostileString(120_000), weight: 4 },
  { arbitrary: plausible, weight: 3 },
  {
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -0,
      -1,
      1.5,
      1e308,
      -1e308,
      5e-324,
      2 ** 31,
      2 ** 53 + 2,
      -(2 ** 63),
    ),
    weight: 2,
  },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.constantFrom<unknown>(...OPERATOR_OBJECTS), weight: 2 },
);

const fieldName = fc.oneof(
  fc.constantFrom(...FIELD_NAMES),
  fc.string({ unit: CHARS_NASTY, maxLength: 8 }),
);

const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: leafValue, weight: 5 },
    { arbitrary: fc.array(tie('node'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.dictionary(fieldName, tie('node'), { maxKeys: 4 }), weight: 1 },
  ),
})).node;

const jsonContentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset="',
      'application/vnd.api+json',
      'application/json-patch+json',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----fuzz',
      'application/xml',
      '*/*',
      'application/',
      'garbage',
    ),
    weight: 2,
  },
  { arbitrary: fc.constant(null), weight: 1 },
);

function deepArrays(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function deepObjects(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function rawBodies(fields: string[]): fc.Arbitrary<string> {
  const field = fc.constantFrom(...(fields.length > 0 ? fields : ['a']));
  return fc.oneof(
    fc.constantFrom(
      '',
      'not json',
      '{',
      '{"a":',
      '{"a":1}}',
      "{'a':1}",
      '{"a":1,}',
      '\u0000',
      '\ufeff{}',
      'null',
      'true',
      '42',
      '"string"',
      '[]',
      '[{}]',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"a":1,"a":2}',
      'a=1&b=2',
    ),
    fc
      .tuple(
        field,
        fc.constantFrom(
          '1e999',
          '-1e999',
          'NaN',
          'Infinity',
          '123456789012345678901234567890',
          '"\\ud800"',
          '"\\u0000"',
          '"\\ud800@example.com"',
          '{"$gt":""}',
          '[[[[[[[[[[]]]]]]]]]]',
          'undefined',
        ),
      )
      .map(([name, value]) => `{${JSON.stringify(name)}:${value}}`),
    fc
      .tuple(field, fc.integer({ min: 1, max: 3000 }))
      .map(([name, depth]) => `{${JSON.stringify(name)}:${deepArrays(depth)}}`),
    fc
      .tuple(field, fc.integer({ min: 1, max: 9000 }))
      .map(([name, depth]) => `{${JSON.stringify(name)}:${deepObjects(depth)}}`),
    fc.integer({ min: 1, max: 3000 }).map(deepArrays),
    fc
      .tuple(field, fc.integer({ min: 90_000, max: 200_000 }))
      .map(([name, size]) => `{${JSON.stringify(name)}:"${'x'.repeat(size)}"}`),
  );
}

/** A value the property's schema accepts, or close to it (enum, example, type and bounds). */
function plausibleFor(schema: OpenApiSchema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [];
  if (schema.enum && schema.enum.length > 0) options.push(fc.constantFrom(...schema.enum));
  // A fresh address now and then, so a sign-up can succeed and go further than validation.
  if (typeof schema.example === 'string' && schema.example.includes('@')) {
    options.push(fc.emailAddress());
  }
  if (schema.example !== undefined) options.push(fc.constant(schema.example));
  switch (schema.type) {
    case 'number':
    case 'integer':
      options.push(fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 }));
      break;
    case 'boolean':
      options.push(fc.boolean());
      break;
    case 'array':
      options.push(fc.array(plausibleFor(schema.items ?? { type: 'string' }), { maxLength: 3 }));
      break;
    case 'string':
      options.push(
        fc.string({
          unit: 'grapheme-ascii',
          minLength: Math.min(schema.minLength ?? 1, 20),
          maxLength: Math.min(schema.maxLength ?? 20, 20),
        }),
      );
      break;
  }
  return options.length > 0 ? fc.oneof(...options) : fc.constant('x');
}

/** A plausible string with one nasty character slipped in (`asha@ex\ud800ample.com`). */
function withNastyChar(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(value, fc.nat(), CHARS_NASTY).map(([v, at, ch]) => {
    if (typeof v !== 'string') return v;
    const i = at % (v.length + 1);
    return v.slice(0, i) + ch + v.slice(i);
  });
}

/** A wrong value for one property: hostile in general, or almost right for this property. */
function hostileFor(schema: OpenApiSchema): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: withNastyChar(plausibleFor(schema)), weight: 3 },
    { arbitrary: hostileString(120_000), weight: 2 },
    { arbitrary: jsonValue, weight: 2 },
  );
}

/**
 * Every declared field with a plausible value, then at most one field made hostile: such bodies
 * get past the other fields' validation, so one bad value meets its own code path.
 */
function nearValidBody(op: Operation): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      fc.record(
        Object.fromEntries(
          Object.entries(op.bodyProperties).map(([name, schema]) => [name, plausibleFor(schema)]),
        ),
      ),
      fc.oneof(
        { arbitrary: fc.constant(null), weight: 1 },
        {
          arbitrary: fc.oneof(
            ...Object.entries(op.bodyProperties).map(([name, schema]) =>
              fc.tuple(fc.constant(name), hostileFor(schema)),
            ),
          ),
          weight: 4,
        },
      ),
    )
    .map(([base, swap]) => (swap ? { ...base, [swap[0]]: swap[1] } : base));
}

function bodyFor(op: Operation): fc.Arbitrary<Body> {
  const declared =
    op.bodyFields.length > 0
      ? fc.record(Object.fromEntries(op.bodyFields.map((f) => [f, jsonValue])), {
          requiredKeys: [],
        })
      : fc.constant({});
  const unknown = fc.dictionary(fieldName, jsonValue, { maxKeys: 3 });
  const objectBody = fc
    .tuple(declared, sometimes(unknown))
    .map(([known, extra]) => ({ ...extra, ...known }));
  return fc.oneof(
    { arbitrary: fc.constant<Body>({ kind: 'none' }), weight: op.bodyFields.length > 0 ? 1 : 10 },
    {
      arbitrary: fc
        .tuple(objectBody, jsonContentType)
        .map(([value, contentType]): Body => ({ kind: 'json', value, contentType })),
      weight: 8,
    },
    ...(op.bodyFields.length > 0
      ? [
          {
            arbitrary: fc
              .tuple(nearValidBody(op), jsonContentType)
              .map(([value, contentType]): Body => ({ kind: 'json', value, contentType })),
            weight: 10,
          },
        ]
      : []),
    {
      arbitrary: fc
        .tuple(jsonValue, jsonContentType)
        .map(([value, contentType]): Body => ({ kind: 'json', value, contentType })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(rawBodies(op.bodyFields), jsonContentType)
        .map(([text, contentType]): Body => ({ kind: 'raw', text, contentType })),
      weight: 3,
    },
    {
      arbitrary: fc
        .record({
          bytes: fc.constantFrom(
            'garbage' as const,
            'gzip-json' as const,
            'truncated-gzip' as const,
          ),
          encoding: fc.constantFrom(
            'gzip',
            'deflate',
            'br',
            'x-gzip',
            'identity',
            'gzip, br',
            'zstd',
          ),
        })
        .map((b): Body => ({ kind: 'encoded', ...b })),
      weight: 1,
    },
  );
}

const GARBAGE_COOKIES = [
  'accessToken=garbage',
  'accessToken=',
  'accessToken=%00',
  'accessToken=%E0%A4%A',
  `accessToken=${'x'.repeat(4000)}`,
  // alg "none" token naming a user
  'accessToken=eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAifQ.',
  'accessToken=j:{"$gt":""}',
  'accessToken=s:abc.def',
  'accessToken=a; accessToken=b',
  'refreshToken=garbage',
  'refreshToken=j:["x"]',
  '=; ;;',
];

interface Fixtures {
  userIds: string[];
  requestIds: string[];
}

function caseFor(op: Operation, fixtures: Fixtures): fc.Arbitrary<FuzzCase> {
  const realId = fc.constantFrom(...fixtures.userIds, ...fixtures.requestIds);
  const pathValue = (allowed: string[]) =>
    fc.oneof(
      ...(allowed.length > 0 ? [{ arbitrary: fc.constantFrom(...allowed), weight: 10 }] : []),
      { arbitrary: realId, weight: 4 },
      { arbitrary: randomObjectId, weight: 2 },
      { arbitrary: hostileString(URL_LONG), weight: 3 },
    );
  const queryValue = fc.oneof(
    {
      arbitrary: fc.constantFrom('1', '2', '10', '50', '51', '100', '101', '0', '-1', '1e2'),
      weight: 3,
    },
    {
      // Integers at the edges of int32, int64 and doubles (offsets, skips, limits).
      arbitrary: fc.constantFrom(
        '2147483648',
        '9007199254740993',
        '922337203685477581',
        '9223372036854775807',
        '99999999999999999999999',
        '1e21',
        '1e308',
        '-1e21',
      ),
      weight: 1,
    },
    { arbitrary: fc.constantFrom('React,Go', 'React', ',,,', 'a,'.repeat(40)), weight: 1 },
    { arbitrary: realId, weight: 1 },
    { arbitrary: randomObjectId, weight: 1 },
    { arbitrary: hostileString(URL_LONG), weight: 4 },
  );
  const declaredQuery =
    op.queryParams.length > 0
      ? fc.array(fc.tuple(fc.constantFrom(...op.queryParams), queryValue), { maxLength: 5 })
      : fc.constant<[string, string][]>([]);
  const unknownQuery = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('a[$ne]', 'page[$gt]', '$where', '__proto__', 'skills[]', 'limit[0]', 'x'),
        fc.string({ unit: CHARS_NASTY, maxLength: 8 }),
      ),
      queryValue,
    ),
    { maxLength: 2 },
  );
  const rawQuery = fc.array(
    fc.constantFrom(
      '&',
      '=',
      '==1',
      'flag',
      'a[$ne]=1',
      'page[$gt]=0',
      'a[b][c][d][e][f]=1',
      '__proto__[polluted]=1',
      'constructor[prototype][polluted]=1',
      '%',
      '%zz=1',
      'page=%ED%A0%80',
      'skills[]=a&skills[]=b',
      'page=1&page=2',
      `a=${'b'.repeat(5000)}`,
    ),
    { maxLength: 2 },
  );
  const auth = fc.oneof(
    { arbitrary: fc.constant<Auth>('session'), weight: 6 },
    { arbitrary: fc.constant<Auth>('none'), weight: 3 },
    {
      arbitrary: fc.constantFrom(...GARBAGE_COOKIES).map((cookie): Auth => ({ cookie })),
      weight: 1,
    },
  );
  return fc.record({
    op: fc.constant(op.key),
    pathValues: fc.tuple(...op.pathParams.map((p) => pathValue(p.enum))),
    encoding: fc.constantFrom('escaped' as const, 'raw' as const),
    query: fc
      .tuple(declaredQuery, sometimes(unknownQuery))
      .map(([known, extra]) => [...known, ...(extra ?? [])]),
    rawQuery: sometimes(rawQuery).map((q) => q ?? []),
    body: bodyFor(op),
    auth,
    clientIp: fc.oneof(
      { arbitrary: fc.constant('fresh'), weight: 40 },
      { arbitrary: fc.constant(SHARED_CLIENT_IP), weight: 1 },
    ),
    requestId: sometimes(fc.oneof(fc.uuid(), fc.string({ unit: PRINTABLE_ASCII, maxLength: 60 }))),
  });
}

/** A well-formed request to the operation: the first value of an enum, else a real id. */
function plainCase(op: Operation, fixtures: Fixtures): FuzzCase {
  return {
    op: op.key,
    pathValues: op.pathParams.map(
      (p) => p.enum[0] ?? (/request/i.test(p.name) ? fixtures.requestIds[0] : fixtures.userIds[1]),
    ),
    encoding: 'escaped',
    query: [],
    rawQuery: [],
    body: { kind: 'none' },
    auth: 'session',
    clientIp: 'fresh',
    requestId: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Turning a case into an HTTP request
// ---------------------------------------------------------------------------------------------
const RAW_SAFE = /^[A-Za-z0-9\-._~!$'()*+,;=:@/%[\]&]$/;

function wtf8(codeUnit: number): string {
  return [0xe0 | (codeUnit >> 12), 0x80 | ((codeUnit >> 6) & 0x3f), 0x80 | (codeUnit & 0x3f)]
    .map((b) => `%${b.toString(16).toUpperCase()}`)
    .join('');
}

/** Percent-encodes like encodeURIComponent, but a lone surrogate becomes its WTF-8 bytes. */
function encode(value: string, mode: FuzzCase['encoding']): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += wtf8(code);
    } else if (mode === 'raw' && RAW_SAFE.test(value[i])) {
      out += value[i];
    } else {
      out += encodeURIComponent(value[i]);
    }
  }
  return out;
}

function urlOf(op: Operation, c: FuzzCase): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_match, name: string) =>
    encode(c.pathValues[op.pathParams.findIndex((p) => p.name === name)] ?? '', c.encoding),
  );
  const query = [
    ...c.query.map(([k, v]) => `${encode(k, c.encoding)}=${encode(v, c.encoding)}`),
    ...c.rawQuery,
  ].join('&');
  return query ? `${path}?${query}` : path;
}

function bodyBytes(body: Body): { payload?: string | Buffer; headers: Record<string, string> } {
  switch (body.kind) {
    case 'none':
      return { headers: {} };
    case 'json':
    case 'raw': {
      // JSON.stringify escapes lone surrogates (\ud800), so they reach the server's JSON.parse.
      const payload = body.kind === 'json' ? (JSON.stringify(body.value) ?? 'null') : body.text;
      return {
        payload: Buffer.from(payload, 'utf8'),
        headers: body.contentType === null ? {} : { 'Content-Type': body.contentType },
      };
    }
    case 'encoded': {
      const gzipped = gzipSync('{"emailId":"a@b.co","password":"x"}');
      const payload =
        body.bytes === 'garbage'
          ? Buffer.from('{"emailId":"a@b.co"}')
          : body.bytes === 'gzip-json'
            ? gzipped
            : gzipped.subarray(0, 12);
      return {
        payload,
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': body.encoding },
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------
const INVISIBLE = /[\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** JSON-ish, with invisible and bidi characters escaped and long values cut in the middle. */
function show(value: unknown, max = 600): string {
  let text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'undefined');
  text = text.replace(INVISIBLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}…(${text.length - max} more chars)…${text.slice(-half)}`;
}

function describeBody(body: Body): string {
  switch (body.kind) {
    case 'none':
      return 'none';
    case 'json':
      return `${show(body.value)} as ${body.contentType ?? '(no content-type)'}`;
    case 'raw': {
      const size = `${body.text.length} chars, nesting depth ${nestingDepth(body.text)}`;
      return `raw ${show(body.text)} (${size}) as ${body.contentType ?? '(no content-type)'}`;
    }
    case 'encoded':
      return `${body.bytes} bytes with Content-Encoding: ${body.encoding}`;
  }
}

function describeRequest(op: Operation, c: FuzzCase, res?: Response, error?: unknown): string {
  const auth =
    c.auth === 'session'
      ? "the fuzzer's session cookies"
      : c.auth === 'none'
        ? 'no cookies'
        : show(c.auth.cookie);
  const lines = [
    `${op.method.toUpperCase()} ${show(urlOf(op, c), 800)}`,
    `  path params: ${show(Object.fromEntries(op.pathParams.map((p, i) => [p.name, c.pathValues[i]])))} (${c.encoding})`,
    `  query: ${show(c.query)} raw: ${show(c.rawQuery)}`,
    `  body: ${describeBody(c.body)}`,
    `  auth: ${auth}; X-Forwarded-For: ${c.clientIp}; X-Request-Id: ${show(c.requestId)}`,
  ];
  if (res) {
    lines.push(
      `  → ${res.status} ${show(res.headers['content-type'] ?? '(no content-type)')} ${show(res.text ?? '', 800)}`,
    );
  }
  if (error) {
    lines.push(`  → request failed: ${error instanceof Error ? error.message : show(error)}`);
  }
  return lines.join('\n');
}

/**
 * Node's HTTP parser answers a bare 431 (no body, no app code) when the request line and headers
 * exceed its 16 KB limit (`--max-http-header-size`). That is the runtime's transport limit, not the
 * API's contract, so it is allowed for requests that really are that large: URL and Cookie over
 * 15 KB (the other headers supertest sends take well under 1 KB).
 */
const NODE_MAX_HEADER_BYTES = 16 * 1024;
const OTHER_HEADERS_ALLOWANCE = 1024;

function problemWith(c: FuzzCase, res: Response, headerBytes: number): string | undefined {
  if (res.status === 431 && headerBytes > NODE_MAX_HEADER_BYTES - OTHER_HEADERS_ALLOWANCE) {
    return undefined;
  }
  if (res.status >= 500 && !KNOWN_5XX_BEING_FIXED.some((known) => known.matches(c))) {
    return `server error ${res.status}`;
  }
  if (res.status >= 400 && res.status < 500) {
    const body = res.body as { success?: unknown; message?: unknown; code?: unknown } | undefined;
    const enveloped =
      typeof body === 'object' &&
      body !== null &&
      !Array.isArray(body) &&
      body.success === false &&
      typeof body.message === 'string' &&
      body.message.trim() !== '' &&
      typeof body.code === 'string' &&
      /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(body.code);
    if (!enveloped) return `${res.status} without the { success: false, message, code } envelope`;
  }
  if (!res.headers['x-request-id']) return 'no x-request-id header';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------
describe('Fuzz: every documented operation answers 4xx envelopes, never 5xx', () => {
  let t: TestApp;
  let operations: Operation[];
  let fixtures: Fixtures;
  let fuzzer: UserSession;
  const password = `Fz!${randomBytes(9).toString('hex')}A1`;
  let fuzzerEmail: string;
  let relogins = 0;
  let stub: RazorpayStub;

  beforeAll(async () => {
    // One proxy hop is trusted, so each generated request picks its own client address and the
    // per-IP limits (10 logins per 15 min, ...) do not turn most requests into 429s.
    // Payments need keys (without them the routes answer 503 by design, which fuzz counts as a
    // failure): a local Razorpay stand-in plays the gateway.
    stub = await new RazorpayStub('rzp_test_fuzz000001', 'fuzz-key-secret-0123456789').start();
    t = await createTestApp({
      env: {
        TRUST_PROXY_HOPS: '1',
        RAZORPAY_KEY_ID: stub.keyId,
        RAZORPAY_KEY_SECRET: stub.keySecret,
        RAZORPAY_WEBHOOK_SECRET: 'fuzz-webhook-secret-0123456789',
        RAZORPAY_API_URL: stub.url,
      },
    });
    const doc = (await request(t.server).get('/docs-json').expect(200)).body as OpenApiDocument;
    // Socket.io (/socket.io) is not an HTTP operation in the document; it has its own tests.
    operations = operationsOf(doc);

    const { body } = await signUp(t, { firstName: 'Fuzzer', password });
    fuzzerEmail = body.emailId;
    fuzzer = await logIn(t, fuzzerEmail, password);
    const [a, b, c] = await Promise.all([signUpAndLogIn(t), signUpAndLogIn(t), signUpAndLogIn(t)]);
    const { user: unverified } = await signUp(t, { verified: false });
    for (const s of [fuzzer, a, b, c]) {
      await s.post('/profile/onboarding/complete').expect(200);
    }
    // A pending request to the fuzzer (to review), one from it (to withdraw), one connection.
    const toFuzzer = await a.post(`/request/send/interested/${fuzzer.id}`).expect(200);
    const fromFuzzer = await fuzzer.post(`/request/send/interested/${b.id}`).expect(200);
    const connection = await c.post(`/request/send/interested/${fuzzer.id}`).expect(200);
    await fuzzer.post(`/request/review/accepted/${connection.body.data._id as string}`).expect(200);
    fixtures = {
      userIds: [fuzzer.id, a.id, b.id, c.id, unverified._id],
      requestIds: [toFuzzer, fromFuzzer, connection].map((r) => r.body.data._id as string),
    };
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await stub?.stop();
  });

  /** Cookies for a case. POST /auth/logout never gets the fuzzer's own cookies: it would revoke
   * the session every later run relies on (it is still fuzzed without or with foreign cookies). */
  function cookieFor(op: Operation, c: FuzzCase): string | undefined {
    if (c.auth === 'none') return undefined;
    if (c.auth !== 'session') return c.auth.cookie;
    if (op.key === 'POST /auth/logout') return undefined;
    return fuzzer.cookieHeader('both');
  }

  /** If the fuzzer's session stopped working (e.g. refresh-token reuse revoked it), log in again. */
  async function keepSessionAlive(): Promise<void> {
    const control = await request(t.server)
      .get('/profile')
      .set('Cookie', fuzzer.cookieHeader('access'));
    if (control.status === 401) {
      fuzzer = await logIn(t, fuzzerEmail, password);
      relogins++;
    }
  }

  it(
    'finds no 5xx and no unenveloped 4xx',
    async () => {
      // Nothing is excluded from the operations: POST /auth/logout is sent without the fuzzer's
      // cookies (see cookieFor), and PATCH /profile/password cannot succeed because the fuzzer's
      // password is a random secret no generator produces.
      expect(operations.length).toBeGreaterThanOrEqual(20);
      const byKey = new Map(operations.map((op) => [op.key, op]));
      const statuses = new Map<string, Map<number, number>>();
      const knownHits = new Map<string, number>();

      const property = fc.asyncProperty(
        // Operations with more inputs get more runs (GET /health has none to fuzz).
        fc.oneof(
          ...operations.map((op) => ({
            arbitrary: caseFor(op, fixtures),
            weight: 1 + op.pathParams.length + op.queryParams.length + op.bodyFields.length,
          })),
        ),
        async (c) => {
          const op = byKey.get(c.op)!;
          const { payload, headers } = bodyBytes(c.body);
          let req = request(t.server)
            [op.method](urlOf(op, c))
            .timeout({ deadline: REQUEST_DEADLINE_MS })
            // Send the bytes as generated: superagent would otherwise JSON-encode a Buffer body.
            .serialize((data: string) => data)
            .set('X-Forwarded-For', c.clientIp === 'fresh' ? freshClientIp() : c.clientIp);
          const cookie = cookieFor(op, c);
          if (cookie !== undefined) req = req.set('Cookie', cookie);
          if (c.requestId !== null) req = req.set('X-Request-Id', c.requestId);
          for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
          let res: Response;
          try {
            res = payload === undefined ? await req : await req.send(payload);
          } catch (error) {
            throw new Error(`No HTTP response\n${describeRequest(op, c, undefined, error)}`);
          }

          const counts = statuses.get(op.key) ?? new Map<number, number>();
          counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
          statuses.set(op.key, counts);
          if (res.status >= 500) {
            for (const known of KNOWN_5XX_BEING_FIXED.filter((k) => k.matches(c))) {
              knownHits.set(known.name, (knownHits.get(known.name) ?? 0) + 1);
            }
          }
          if (c.auth === 'session' && cookie !== undefined) {
            const set = cookiesFrom(res);
            if (set.accessToken) fuzzer.adopt(res);
            if (res.status === 401 || set.accessToken === '') await keepSessionAlive();
          }

          const url = urlOf(op, c);
          const headerBytes = Buffer.byteLength(url) + Buffer.byteLength(cookie ?? '');
          const problem = problemWith(c, res, headerBytes);
          if (problem) throw new Error(`${problem}\n${describeRequest(op, c, res)}`);
        },
      );

      const started = Date.now();
      const details = await fc.check(property, {
        seed: SEED,
        numRuns: NUM_RUNS,
        // One plain request per operation first, so every operation is sent whatever the seed.
        examples: operations.map((op): [FuzzCase] => [plainCase(op, fixtures)]),
        ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
        plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)],
      });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);

      const total = [...statuses.values()].reduce(
        (sum, counts) => sum + [...counts.values()].reduce((s, n) => s + n, 0),
        0,
      );
      const tooMany = [...statuses.values()].reduce(
        (sum, counts) => sum + (counts.get(429) ?? 0),
        0,
      );
      console.log(
        [
          `[fuzz] seed=${SEED} runs=${details.numRuns}/${NUM_RUNS} requests=${total} in ${seconds}s, ` +
            `${operations.length} operations, ${tooMany} × 429, ${relogins} re-login(s)` +
            (details.interrupted ? ' (time budget reached)' : ''),
          ...[...statuses.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(
              ([key, counts]) =>
                `  ${key}: ${[...counts.entries()]
                  .sort(([a], [b]) => a - b)
                  .map(([status, n]) => `${status}×${n}`)
                  .join(' ')}`,
            ),
          ...[...knownHits.entries()].map(
            ([name, n]) => `  known 5xx still present: ${name} ×${n}`,
          ),
        ].join('\n'),
      );

      if (details.failed) {
        throw new Error(
          `Fuzz failure after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s). ` +
            `Replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''}\n` +
            (details.errorInstance instanceof Error
              ? details.errorInstance.message
              : String(details.errorInstance)),
        );
      }
      // Every operation was sent (the plain examples run first), even when the time budget cut
      // the random cases short: a run that did not get that far is a failure, not a pass.
      if (!process.env.FUZZ_PATH) {
        expect([...statuses.keys()].sort()).toEqual(operations.map((op) => op.key).sort());
      }
      // Per-request client addresses keep rate limiting out of the way.
      expect(tooMany).toBeLessThanOrEqual(Math.max(2, total * 0.02));
    },
    TIME_BUDGET_MS + 20_000,
  );
});
