import { createHmac } from 'node:crypto';
import { unsubscribeKey, unsubscribeUrl } from '../src/modules/notifications/unsubscribe-link';
import request, { Response } from 'supertest';
import { SignupDto } from '../src/modules/auth/dto/signup.dto';
import { SelfUserDoc } from '../src/modules/users/user.docs';
import {
  cookiesFrom,
  randomClientIp,
  signUpAndLogIn,
  STRONG_PASSWORD,
  UserSession,
} from './support/session';
import { givePlan } from './support/plans';
import { RazorpayStub } from './support/razorpay-stub';
import { createTestApp, TestApp } from './support/test-app';

const KEY_ID = 'rzp_test_docs000001';
const KEY_SECRET = 'docs-key-secret-0123456789';
const WEBHOOK_SECRET = 'docs-webhook-secret-0123456789';

/**
 * The OpenAPI document is generated from the code: the @nestjs/swagger CLI plugin (nest-cli.json,
 * and the same options in jest.config.js for these tests) reads the DTO and `*.docs.ts` classes,
 * so a property's type, required flag, limits and description come from its declaration and
 * validation decorators; response classes are tied to the real view types at compile time
 * (`@Describes`). This file checks the result against the running app: what the plugin derived,
 * that required/optional matches what validation refuses, and that real answers of every
 * documented operation match the schema documented for their status.
 */

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  description?: string;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
}

interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  security?: unknown[];
  responses: Record<string, ResponseObject>;
}

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const ADMIN_PASSWORD = 'docs-admin-password';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/** Routes whose success body carries `data` (contract §3); every other one has none. */
const ROUTES_WITH_DATA = [
  'post /auth/signup',
  'post /auth/login',
  'get /auth/sessions',
  'delete /auth/sessions',
  'get /profile',
  'patch /profile/edit',
  'patch /profile/password',
  'get /profile/{userId}',
  'post /profile/onboarding/complete',
  'post /profile/boost',
  'get /profile/export',
  'get /profile/notifications',
  'patch /profile/notifications',
  'get /skills',
  'get /user/feed',
  'get /user/connections',
  'get /user/requests/received',
  'get /user/requests/sent',
  'post /request/send/{status}/{toUserId}',
  'post /request/review/{status}/{requestId}',
  'get /chat/recent',
  'get /chat/unread',
  'get /chat/{targetUserId}',
  'post /chat/{targetUserId}/read',
  'get /notifications',
  'get /notifications/unread-count',
  'post /notifications/read',
  'post /user/block/{userId}',
  'get /user/blocked',
  'post /user/report/{userId}',
  'get /admin/reports',
  'patch /admin/reports/{reportId}',
  'get /payment/plans',
  'get /payment/status',
  'post /payment/create',
  'post /payment/order',
  'get /payment/status/{orderId}',
];
/** Top-level keys beside the envelope's (all and required), e.g. the SPA's polling shape (M1). */
const EXTRA_KEYS: Record<string, { all: string[]; required: string[]; dataOptional?: boolean }> = {
  'get /payment/status/{orderId}': {
    all: ['status', 'ready', 'user'],
    required: ['status', 'ready'],
    dataOptional: true,
  },
};
/** List routes: `pagination` beside `data`. */
const PAGINATED = [
  'get /user/connections',
  'get /user/requests/received',
  'get /user/requests/sent',
  'get /chat/recent',
  'get /notifications',
  'get /user/blocked',
  'get /admin/reports',
];
/** Not enveloped (contract §1.11). */
const NOT_ENVELOPED = ['get /health', 'get /health/ready'];
/** Answer with an HTML page for a person in a browser (documented as `text/html`). */
const HTML_PAGES = ['get /notifications/unsubscribe'];

const ERROR_SCHEMAS = [
  'ErrorResponse',
  'RateLimitedResponse',
  'InternalErrorResponse',
  'BoostCoolingDownResponse',
];
/** Error bodies with extra keys of their own (each extends the 429 envelope). */
const OWN_ERROR_SCHEMAS: Record<string, string> = {
  'post /profile/boost 429': 'BoostCoolingDownResponse',
};

describe('Swagger documents every route with its DTOs', () => {
  let t: TestApp;
  let spec: OpenApi;

  const operations = () =>
    Object.entries(spec.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        key: `${method} ${path}`,
        op: item[method],
      })),
    );
  const schemaNamed = (name: string): Schema => {
    const schema = spec.components.schemas[name];
    if (!schema) throw new Error(`no schema ${name}`);
    return schema;
  };
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? schemaNamed(schema.$ref.replace('#/components/schemas/', '')) : schema;
  const jsonSchemaOf = (response: ResponseObject | undefined) =>
    response?.content?.['application/json']?.schema ?? response?.content?.['text/html']?.schema;

  let stub: RazorpayStub;

  beforeAll(async () => {
    stub = await new RazorpayStub(KEY_ID, KEY_SECRET).start();
    t = await createTestApp({
      env: {
        RAZORPAY_KEY_ID: KEY_ID,
        RAZORPAY_KEY_SECRET: KEY_SECRET,
        RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
        RAZORPAY_API_URL: stub.url,
        ADMIN_USER: 'admin',
        ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
    });
    spec = (await request(t.server).get('/docs-json').expect(200)).body as OpenApi;
  });

  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  it.each([
    ['post', '/auth/signup'],
    ['post', '/auth/login'],
    ['post', '/auth/logout'],
    ['post', '/auth/refresh'],
    ['get', '/auth/verify-email'],
    ['post', '/auth/resend-verification'],
    ['post', '/auth/password/forgot'],
    ['post', '/auth/password/reset'],
    ['get', '/auth/sessions'],
    ['delete', '/auth/sessions'],
    ['delete', '/auth/sessions/{id}'],
    ['get', '/profile'],
    ['patch', '/profile/edit'],
    ['patch', '/profile/password'],
    ['get', '/profile/{userId}'],
    ['post', '/profile/onboarding/complete'],
    ['post', '/profile/boost'],
    ['get', '/profile/export'],
    ['delete', '/profile'],
    ['get', '/skills'],
    ['get', '/user/feed'],
    ['get', '/user/connections'],
    ['get', '/user/requests/received'],
    ['get', '/user/requests/sent'],
    ['post', '/request/send/{status}/{toUserId}'],
    ['post', '/request/review/{status}/{requestId}'],
    ['delete', '/request/withdraw/{requestId}'],
    ['delete', '/request/connection/{userId}'],
    ['get', '/chat/recent'],
    ['get', '/chat/unread'],
    ['get', '/chat/{targetUserId}'],
    ['post', '/chat/{targetUserId}/read'],
    ['get', '/notifications'],
    ['get', '/notifications/unread-count'],
    ['post', '/notifications/read'],
    ['get', '/notifications/unsubscribe'],
    ['post', '/notifications/unsubscribe'],
    ['get', '/profile/notifications'],
    ['patch', '/profile/notifications'],
    ['post', '/user/block/{userId}'],
    ['delete', '/user/block/{userId}'],
    ['get', '/user/blocked'],
    ['post', '/user/report/{userId}'],
    ['get', '/admin/reports'],
    ['patch', '/admin/reports/{reportId}'],
    ['get', '/health'],
    ['get', '/health/ready'],
    ['get', '/payment/plans'],
    ['get', '/payment/status'],
    ['post', '/payment/create'],
    ['post', '/payment/order'],
    ['post', '/payment/verify'],
    ['get', '/payment/status/{orderId}'],
    ['post', '/payment/webhook'],
  ])('%s %s', (method, path) => {
    expect(spec.paths[path]?.[method]).toBeDefined();
  });

  it('request bodies reference their DTO schemas with the fields', () => {
    expect(Object.keys(spec.components.schemas.SignupDto.properties ?? {}).sort()).toEqual([
      'emailId',
      'firstName',
      'lastName',
      'password',
    ]);
    expect(Object.keys(spec.components.schemas.EditProfileDto.properties ?? {})).toEqual(
      expect.arrayContaining(['photoUrl', 'skills', 'age', 'gender', 'githubUsername']),
    );
    expect(spec.paths['/auth/login'].post.requestBody).toBeDefined();
  });

  it('protected routes declare cookie auth; auth routes do not', () => {
    expect(spec.paths['/profile'].get.security).toEqual([{ accessToken: [] }]);
    expect(spec.paths['/skills'].get.security).toEqual([{ accessToken: [] }]);
    expect(spec.paths['/auth/login'].post.security).toBeUndefined();
    expect(spec.paths['/payment/create'].post.security).toEqual([{ accessToken: [] }]);
    expect(spec.paths['/payment/webhook'].post.security).toBeUndefined();
  });

  it("the webhook documents Razorpay's signature header", () => {
    const { parameters = [] } = spec.paths['/payment/webhook'].post;
    expect(parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'x-razorpay-signature', in: 'header', required: true }),
        expect.objectContaining({ name: 'x-razorpay-event-id', in: 'header' }),
      ]),
    );
  });

  describe('generated by the CLI plugin from the declarations', () => {
    it('the plugin compiled the DTO and docs classes these tests run', () => {
      // The plugin adds this static factory to every class of a DTO/docs file it compiles.
      for (const cls of [SignupDto, SelfUserDoc]) {
        expect(typeof (cls as unknown as Record<string, unknown>)._OPENAPI_METADATA_FACTORY).toBe(
          'function',
        );
      }
    });

    it('properties without any @ApiProperty get type, limits and description from the code', () => {
      const { LoginDto, EditProfileDto, SelfUserDoc: self } = spec.components.schemas;
      // `emailId!: string` with @MaxLength(254) and a doc comment; no Swagger decorator.
      expect(LoginDto.properties?.emailId).toMatchObject({
        type: 'string',
        maxLength: 254,
        description: 'Trimmed and lowercased before the lookup.',
        example: 'asha@example.com',
      });
      // `gender?: Gender` (a union of literals) with @IsIn(GENDERS).
      expect(EditProfileDto.properties?.gender).toMatchObject({
        type: 'string',
        enum: ['male', 'female', 'others'],
      });
      // `skills?: string[]` with @ArrayMaxSize(10); `about` with @MaxLength(500).
      expect(EditProfileDto.properties?.skills).toMatchObject({
        type: 'array',
        items: { type: 'string' },
        maxItems: 10,
      });
      expect(EditProfileDto.properties?.about).toMatchObject({ type: 'string', maxLength: 500 });
      // A response class: `billingCycle!: BillingCycle | null`, `lastName?: string`.
      expect(self.properties?.billingCycle).toMatchObject({
        type: 'string',
        nullable: true,
        enum: ['MONTHLY', 'YEARLY'],
      });
      expect(self.required).toEqual(expect.arrayContaining(['_id', 'emailId', 'billingCycle']));
      expect(self.required).not.toContain('lastName');
      // A query DTO: `token!: string` with @Length(1, 128).
      const token = spec.paths['/auth/verify-email'].get.parameters?.find(
        (p) => p.name === 'token',
      );
      expect(token).toMatchObject({
        in: 'query',
        required: true,
        schema: { type: 'string', minLength: 1, maxLength: 128 },
      });
    });
  });

  it('documents the name rule as the pattern the validator applies', () => {
    for (const dto of ['SignupDto', 'EditProfileDto']) {
      const { firstName, lastName } = schemaNamed(dto).properties ?? {};
      const first = new RegExp(firstName.pattern ?? '', 'u');
      const last = new RegExp(lastName.pattern ?? '', 'u');
      expect(firstName.description).toContain('no digits or emoji');
      expect(['Zoë O’Brien-Smith', 'محمد'].every((name) => first.test(name))).toBe(true);
      expect(['J0hn', 'Zoë 🌸', ''].some((name) => first.test(name))).toBe(false);
      expect(last.test('')).toBe(true);
      expect(last.test('Smith2')).toBe(false);
    }
  });

  describe('required and optional fields are what validation accepts', () => {
    const requiredOf = (name: string) => [...(schemaNamed(name).required ?? [])].sort();

    it('says which fields each body requires', () => {
      expect(requiredOf('SignupDto')).toEqual(['emailId', 'firstName', 'password']);
      expect(requiredOf('LoginDto')).toEqual(['emailId', 'password']);
      expect(requiredOf('ChangePasswordDto')).toEqual(['newPassword', 'password']);
      expect(requiredOf('EditProfileDto')).toEqual([]);
      expect(requiredOf('ResendVerificationDto')).toEqual([]);
      expect(schemaNamed('ResendVerificationDto').properties?.emailId.nullable).toBe(true);
      for (const path of ['/user/feed', '/user/connections', '/user/requests/received']) {
        for (const parameter of spec.paths[path].get.parameters ?? []) {
          expect({ path, name: parameter.name, required: parameter.required }).toEqual({
            path,
            name: parameter.name,
            required: false,
          });
        }
      }
    });

    /** Each documented-required field left out is a 400; only the required fields succeed. */
    async function checkRequired(
      schemaName: string,
      body: Record<string, unknown>,
      send: (body: Record<string, unknown>) => Promise<Response>,
      success: number,
    ) {
      const required = requiredOf(schemaName);
      expect(required.length).toBeGreaterThan(0);
      for (const field of required) {
        const { [field]: _left, ...rest } = body;
        const res = await send(rest);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
      }
      const onlyRequired = Object.fromEntries(required.map((field) => [field, body[field]]));
      expect((await send(onlyRequired)).status).toBe(success);
    }

    it('signup: each required field is refused when missing; the rest are optional', async () => {
      const body = {
        firstName: 'Amy',
        lastName: 'Optional',
        emailId: `required.${Date.now()}@example.com`,
        password: STRONG_PASSWORD,
      };
      await checkRequired(
        'SignupDto',
        body,
        (b) =>
          request(t.server).post('/auth/signup').set('X-Forwarded-For', randomClientIp()).send(b),
        201,
      );
    });

    it('login and password change likewise; nothing is required to edit or resend', async () => {
      const session = await signUpAndLogIn(t);
      await session.patch('/profile/edit', {}).expect(200);
      await request(t.server)
        .post('/auth/resend-verification')
        .set('X-Forwarded-For', randomClientIp())
        .expect(200);
      await checkRequired(
        'LoginDto',
        { emailId: session.user.emailId, password: STRONG_PASSWORD },
        (b) =>
          request(t.server).post('/auth/login').set('X-Forwarded-For', randomClientIp()).send(b),
        200,
      );
      await checkRequired(
        'ChangePasswordDto',
        { password: STRONG_PASSWORD, newPassword: 'An0ther!pass' },
        (b) => session.patch('/profile/password', b),
        200,
      );
    });
  });

  describe('responses', () => {
    it('every success response has a schema; enveloped ones carry data exactly when the route returns it', () => {
      for (const { key, op } of operations()) {
        const successes = Object.entries(op.responses).filter(([status]) => /^2/.test(status));
        expect({ key, successes: successes.length > 0 }).toEqual({ key, successes: true });
        if (HTML_PAGES.includes(key)) {
          const html = successes.map(([, response]) => response.content?.['text/html']?.schema);
          expect({ key, html: html.every(Boolean) }).toEqual({ key, html: true });
          continue;
        }
        for (const [status, response] of successes) {
          const schema = resolve(jsonSchemaOf(response));
          expect({ key, status, schema: Boolean(schema?.properties) }).toEqual({
            key,
            status,
            schema: true,
          });
          if (NOT_ENVELOPED.includes(key)) continue;
          const hasData = ROUTES_WITH_DATA.includes(key);
          const extra = EXTRA_KEYS[key];
          const expected = [
            'message',
            'success',
            ...(hasData ? ['data'] : []),
            ...(PAGINATED.includes(key) ? ['pagination'] : []),
            ...(extra?.all ?? []),
          ];
          const required = [
            'message',
            'success',
            ...(hasData && !extra?.dataOptional ? ['data'] : []),
            ...(PAGINATED.includes(key) ? ['pagination'] : []),
            ...(extra?.required ?? []),
          ];
          expect({ key, fields: Object.keys(schema?.properties ?? {}).sort() }).toEqual({
            key,
            fields: expected.sort(),
          });
          expect({ key, required: [...(schema?.required ?? [])].sort() }).toEqual({
            key,
            required: required.sort(),
          });
        }
      }
    });

    it('every error response references the one error envelope', () => {
      const envelope = schemaNamed('ErrorResponse');
      expect(envelope).toMatchObject({
        properties: {
          success: { type: 'boolean' },
          message: { type: 'string' },
          code: { type: 'string', example: 'AUTH_INVALID_CREDENTIALS' },
        },
      });
      expect([...(envelope.required ?? [])].sort()).toEqual(['code', 'message', 'success']);
      // The document lists the catalogue's codes.
      expect(envelope.properties?.code.description).toContain('`VALIDATION_FAILED`');
      // The 429 and 500 bodies are the same envelope with extra keys.
      for (const name of ERROR_SCHEMAS) {
        expect(schemaNamed(name).properties).toMatchObject(envelope.properties ?? {});
      }
      let errorResponses = 0;
      for (const { key, op } of operations()) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          if (key === 'get /health/ready' && status === '503') continue; // the Terminus report
          const ref = jsonSchemaOf(response)?.$ref?.replace('#/components/schemas/', '');
          const expected =
            OWN_ERROR_SCHEMAS[`${key} ${status}`] ??
            { '429': 'RateLimitedResponse', '500': 'InternalErrorResponse' }[status] ??
            'ErrorResponse';
          expect({ key, status, schema: ref }).toEqual({ key, status, schema: expected });
          errorResponses++;
        }
      }
      expect(errorResponses).toBeGreaterThan(40);
    });

    it('real answers of every documented operation match the schema of their status', async () => {
      const exercised = new Set<string>();
      const mismatches: string[] = [];
      /** Sends one request of a documented operation and checks its status and body. */
      const call = async (
        method: Method,
        path: string,
        status: number,
        sent: Promise<Response> | request.Test,
      ): Promise<Response> => {
        const res = await sent;
        const key = `${method} ${path}`;
        exercised.add(key);
        if (res.status !== status) mismatches.push(`${key}: ${res.status}, expected ${status}`);
        const response = spec.paths[path]?.[method]?.responses[String(res.status)];
        if (!response) mismatches.push(`${key}: ${res.status} is not documented`);
        const isHtml = /^text\/html/.test(String(res.headers['content-type'] ?? ''));
        const body: unknown = isHtml ? res.text : res.body;
        for (const problem of conformance(jsonSchemaOf(response), body, '$')) {
          mismatches.push(`${key} ${res.status}: ${problem}`);
        }
        return res;
      };
      /** Problems of `value` against `schema` (the subset of OpenAPI 3.0 the document uses). */
      const conformance = (raw: Schema | undefined, value: unknown, at: string): string[] => {
        const schema = resolve(raw);
        if (!schema) return [`${at}: no schema`];
        if (schema.allOf) return schema.allOf.flatMap((part) => conformance(part, value, at));
        if (value === null) return schema.nullable ? [] : [`${at}: null but not nullable`];
        if (schema.enum && !schema.enum.includes(value)) {
          return [`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`];
        }
        const actual = Array.isArray(value) ? 'array' : typeof value;
        switch (schema.type) {
          case 'integer':
            return Number.isInteger(value) ? [] : [`${at}: ${actual}, documented integer`];
          case 'number':
          case 'string':
          case 'boolean':
            return actual === schema.type ? [] : [`${at}: ${actual}, documented ${schema.type}`];
          case 'array':
            if (!Array.isArray(value)) return [`${at}: ${actual}, documented array`];
            return value.flatMap((item, i) => conformance(schema.items, item, `${at}[${i}]`));
          default: {
            if (actual !== 'object') return [`${at}: ${actual}, documented object`];
            const object = value as Record<string, unknown>;
            const properties = schema.properties ?? {};
            return [
              ...(schema.required ?? [])
                .filter((name) => !(name in object))
                .map((name) => `${at}.${name}: documented as required, missing`),
              ...Object.entries(object).flatMap(([name, field]) =>
                properties[name]
                  ? conformance(properties[name], field, `${at}.${name}`)
                  : schema.additionalProperties
                    ? []
                    : [`${at}.${name}: not documented`],
              ),
            ];
          }
        }
      };
      const anonymous = () => request(t.server);
      const fromNewIp = (req: request.Test) => req.set('X-Forwarded-For', randomClientIp());
      const stamp = Date.now();
      const emailOf = (name: string) => `${name}.${stamp}@example.com`;

      // Accounts: B signs up with the required fields only.
      for (const body of [
        { firstName: 'Asha', lastName: 'Rao', emailId: emailOf('asha'), password: STRONG_PASSWORD },
        { firstName: 'Li', emailId: emailOf('li'), password: STRONG_PASSWORD },
      ]) {
        await call(
          'post',
          '/auth/signup',
          201,
          fromNewIp(anonymous().post('/auth/signup')).send(body),
        );
        await t.connection
          .collection('users')
          .updateOne({ emailId: body.emailId }, { $set: { emailVerified: true } });
      }
      const badSignup = { firstName: 'Bad', emailId: 'not-an-email', password: STRONG_PASSWORD };
      await call(
        'post',
        '/auth/signup',
        400,
        fromNewIp(anonymous().post('/auth/signup')).send(badSignup),
      );
      const logIn = async (emailId: string) => {
        const credentials = { emailId, password: STRONG_PASSWORD };
        const res = await call(
          'post',
          '/auth/login',
          200,
          fromNewIp(anonymous().post('/auth/login')).send(credentials),
        );
        const { accessToken, refreshToken } = cookiesFrom(res);
        const { data } = res.body as { data: UserSession['user'] };
        return new UserSession(t.server, accessToken, refreshToken, data);
      };
      const a = await logIn(emailOf('asha'));
      const b = await logIn(emailOf('li'));
      const wrong = { emailId: emailOf('li'), password: 'Wr0ng!pass' };
      await call(
        'post',
        '/auth/login',
        400,
        fromNewIp(anonymous().post('/auth/login')).send(wrong),
      );

      // Profiles and skills.
      const edit = {
        age: 27,
        gender: 'female',
        skills: ['React', 'Go'],
        about: 'Backend',
        photoUrl: 'https://example.com/a.jpg',
        githubUsername: 'asha',
      };
      await call('get', '/profile', 200, a.get('/profile'));
      await call('get', '/profile', 401, anonymous().get('/profile'));
      await call('patch', '/profile/edit', 200, a.patch('/profile/edit', edit));
      await call('patch', '/profile/edit', 400, a.patch('/profile/edit', { nickname: 'x' }));
      await call(
        'post',
        '/profile/onboarding/complete',
        200,
        a.post('/profile/onboarding/complete'),
      );
      await call(
        'post',
        '/profile/onboarding/complete',
        200,
        b.post('/profile/onboarding/complete'),
      );
      await call('get', '/profile/{userId}', 200, b.get(`/profile/${a.id}`));
      await call('get', '/profile/{userId}', 404, b.get('/profile/665f1c2e9b1e8a3d4c5b6a70'));
      await call('get', '/profile/{userId}', 400, b.get('/profile/not-an-id'));
      await call('get', '/skills', 200, a.get('/skills'));
      await call('get', '/payment/plans', 200, anonymous().get('/payment/plans'));
      await call('get', '/payment/status', 200, a.get('/payment/status'));
      await call('get', '/payment/status', 401, anonymous().get('/payment/status'));

      // Payments through the Razorpay stand-in: order, verify, status polling.
      const plan = { membershipType: 'PRO', billingCycle: 'MONTHLY' };
      const order = await call('post', '/payment/create', 201, a.post('/payment/create', plan));
      const orderId = (order.body as { data: { orderId: string } }).data.orderId;
      await call(
        'post',
        '/payment/create',
        400,
        a.post('/payment/create', { membershipType: 'FREE' }),
      );
      await call('post', '/payment/order', 201, a.post('/payment/order', plan));
      await call('post', '/payment/order', 400, a.post('/payment/order', {}));
      await call('get', '/payment/status/{orderId}', 200, a.get(`/payment/status/${orderId}`));
      await call('get', '/payment/status/{orderId}', 404, b.get(`/payment/status/${orderId}`));
      const paymentId = stub.addPayment(orderId).id;
      const checkout = {
        razorpay_order_id: orderId,
        razorpay_payment_id: paymentId,
        razorpay_signature: createHmac('sha256', KEY_SECRET)
          .update(`${orderId}|${paymentId}`)
          .digest('hex'),
      };
      await call('post', '/payment/verify', 200, a.post('/payment/verify', checkout));
      await call('post', '/payment/verify', 404, b.post('/payment/verify', checkout));
      await call(
        'post',
        '/payment/verify',
        400,
        a.post('/payment/verify', { ...checkout, razorpay_signature: '00' }),
      );
      const event = JSON.stringify({
        event: 'payment.captured',
        payload: {
          payment: {
            entity: { id: paymentId, order_id: orderId, amount: 49900, currency: 'INR' },
          },
        },
      });
      const webhook = (signature: string) =>
        anonymous()
          .post('/payment/webhook')
          .set('Content-Type', 'application/json')
          .set('x-razorpay-signature', signature)
          .send(event);
      const signed = createHmac('sha256', WEBHOOK_SECRET).update(event).digest('hex');
      await call('post', '/payment/webhook', 200, webhook(signed));
      await call('post', '/payment/webhook', 400, webhook('0'.repeat(64)));
      await call('get', '/payment/status/{orderId}', 200, a.get(`/payment/status/${orderId}`));

      // The ELITE boost: PRO is refused, ELITE boosts once, then cools down.
      await call('post', '/profile/boost', 403, a.post('/profile/boost'));
      await call('post', '/profile/boost', 401, anonymous().post('/profile/boost'));
      await givePlan(t, b.id, 'ELITE');
      await call('post', '/profile/boost', 200, b.post('/profile/boost'));
      await call('post', '/profile/boost', 429, b.post('/profile/boost'));

      // Feed, a request and its review, the lists, removal and withdrawal.
      const feed = await call('get', '/user/feed', 200, b.get('/user/feed?limit=5'));
      expect((feed.body as { data: { items: unknown[] } }).data.items).toHaveLength(1);
      await call('get', '/user/feed', 400, b.get('/user/feed?limit=500'));
      const send = `/request/send/interested/${a.id}`;
      const sent = await call('post', '/request/send/{status}/{toUserId}', 200, b.post(send));
      await call('post', '/request/send/{status}/{toUserId}', 400, b.post(send));
      await call('get', '/user/requests/sent', 200, b.get('/user/requests/sent'));
      await call('get', '/user/requests/received', 200, a.get('/user/requests/received'));
      const review = `/request/review/accepted/${(sent.body as { data: { _id: string } }).data._id}`;
      await call('post', '/request/review/{status}/{requestId}', 200, a.post(review));
      await call('post', '/request/review/{status}/{requestId}', 404, a.post(review));
      await call('get', '/user/connections', 200, a.get('/user/connections?page=1&limit=10'));

      // Chat between the new connections (messages are sent over the socket: none here).
      await call('get', '/chat/{targetUserId}', 200, a.get(`/chat/${b.id}?limit=10`));
      await call('get', '/chat/{targetUserId}', 400, a.get('/chat/not-an-id'));
      await call('get', '/chat/{targetUserId}', 403, a.get(`/chat/${a.id}`));
      await call('get', '/chat/{targetUserId}', 404, a.get('/chat/665f1c2e9b1e8a3d4c5b6a70'));
      await call('get', '/chat/recent', 200, a.get('/chat/recent?limit=5'));
      await call('get', '/chat/recent', 400, a.get('/chat/recent?limit=500'));
      await call('get', '/chat/unread', 200, a.get('/chat/unread'));
      await call('post', '/chat/{targetUserId}/read', 200, a.post(`/chat/${b.id}/read`));
      await call('post', '/chat/{targetUserId}/read', 400, a.post('/chat/nope/read'));

      // The notification inbox (the request above notified a).
      await call('get', '/notifications', 200, a.get('/notifications?limit=5'));
      await call('get', '/notifications', 400, a.get('/notifications?limit=500'));
      await call('get', '/notifications/unread-count', 200, a.get('/notifications/unread-count'));
      await call('post', '/notifications/read', 200, a.post('/notifications/read', { all: true }));
      await call('post', '/notifications/read', 400, a.post('/notifications/read', {}));

      // Email preferences, and the signed one-click unsubscribe link (no login).
      await call('get', '/profile/notifications', 200, a.get('/profile/notifications'));
      await call(
        'patch',
        '/profile/notifications',
        200,
        a.patch('/profile/notifications', { digest: false }),
      );
      await call('patch', '/profile/notifications', 400, a.patch('/profile/notifications', {}));
      const link = new URL(
        unsubscribeUrl(
          t.config.publicApiUrl,
          unsubscribeKey(t.config.auth.accessSecret),
          a.id,
          'missedMessages',
        ),
      );
      const unsubscribe = `/notifications/unsubscribe${link.search}`;
      await call('get', '/notifications/unsubscribe', 200, anonymous().get(unsubscribe));
      await call('post', '/notifications/unsubscribe', 200, anonymous().post(unsubscribe));
      await call(
        'post',
        '/notifications/unsubscribe',
        400,
        anonymous().post(unsubscribe.replace('missedMessages', 'digest')),
      );
      await call(
        'delete',
        '/request/connection/{userId}',
        200,
        a.delete(`/request/connection/${b.id}`),
      );
      await call(
        'delete',
        '/request/connection/{userId}',
        404,
        a.delete(`/request/connection/${b.id}`),
      );
      const again = await call(
        'post',
        '/request/send/{status}/{toUserId}',
        200,
        a.post(`/request/send/interested/${b.id}`),
      );
      const withdraw = `/request/withdraw/${(again.body as { data: { _id: string } }).data._id}`;
      await call('delete', '/request/withdraw/{requestId}', 200, a.delete(withdraw));
      await call('delete', '/request/withdraw/{requestId}', 404, a.delete(withdraw));

      // Blocking and reporting; the admins' list of reports.
      const block = `/user/block/${b.id}`;
      await call('post', '/user/block/{userId}', 200, a.post(block));
      await call('post', '/user/block/{userId}', 400, a.post(`/user/block/${a.id}`));
      await call(
        'post',
        '/user/block/{userId}',
        404,
        a.post('/user/block/665f1c2e9b1e8a3d4c5b6a70'),
      );
      await call('get', '/user/blocked', 200, a.get('/user/blocked?limit=10'));
      await call('get', '/user/blocked', 400, a.get('/user/blocked?limit=500'));
      await call('delete', '/user/block/{userId}', 200, a.delete(block));
      await call('delete', '/user/block/{userId}', 404, a.delete(block));
      await call('delete', '/user/block/{userId}', 400, a.delete('/user/block/nope'));
      const report = `/user/report/${b.id}`;
      await call('post', '/user/report/{userId}', 201, a.post(report, { reason: 'spam' }));
      await call('post', '/user/report/{userId}', 409, a.post(report, { reason: 'spam' }));
      await call('post', '/user/report/{userId}', 400, a.post(report, { reason: 'rude' }));
      await call(
        'post',
        '/user/report/{userId}',
        404,
        a.post('/user/report/665f1c2e9b1e8a3d4c5b6a70', { reason: 'other' }),
      );
      const admin = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
      await call(
        'get',
        '/admin/reports',
        200,
        anonymous().get('/admin/reports?limit=5').set('Authorization', admin),
      );
      await call('get', '/admin/reports', 401, anonymous().get('/admin/reports'));
      await call(
        'get',
        '/admin/reports',
        400,
        anonymous().get('/admin/reports?limit=500').set('Authorization', admin),
      );
      const listed = await call(
        'get',
        '/admin/reports',
        200,
        anonymous().get('/admin/reports?status=open&limit=1').set('Authorization', admin),
      );
      const closeReport = (id: string, body: object) =>
        anonymous().patch(`/admin/reports/${id}`).set('Authorization', admin).send(body);
      const reportId = (listed.body as { data: { _id: string }[] }).data[0]._id;
      const decision = { status: 'resolved', note: 'Warned' };
      await call('patch', '/admin/reports/{reportId}', 200, closeReport(reportId, decision));
      await call(
        'patch',
        '/admin/reports/{reportId}',
        200,
        closeReport(reportId, { status: 'dismissed' }),
      );
      await call(
        'patch',
        '/admin/reports/{reportId}',
        400,
        closeReport(reportId, { status: 'closed' }),
      );
      await call(
        'patch',
        '/admin/reports/{reportId}',
        404,
        closeReport('665f1c2e9b1e8a3d4c5b6a70', decision),
      );
      await call(
        'patch',
        '/admin/reports/{reportId}',
        401,
        anonymous().patch(`/admin/reports/${reportId}`).send(decision),
      );

      // Sessions, email verification (with a 429), health.
      const change = { password: STRONG_PASSWORD, newPassword: 'N3w!password' };
      a.adopt(await call('patch', '/profile/password', 200, a.patch('/profile/password', change)));
      await call(
        'patch',
        '/profile/password',
        400,
        a.patch('/profile/password', { password: 'N3w!password' }),
      );
      await call('post', '/auth/refresh', 200, a.refresh());
      await call('post', '/auth/refresh', 401, anonymous().post('/auth/refresh'));
      await call(
        'get',
        '/auth/verify-email',
        400,
        anonymous().get('/auth/verify-email?token=0123abcd'),
      );
      const ip = randomClientIp();
      for (const status of [200, 200, 200, 429]) {
        const resend = anonymous().post('/auth/resend-verification').set('X-Forwarded-For', ip);
        await call(
          'post',
          '/auth/resend-verification',
          status,
          resend.send({ emailId: emailOf('nobody') }),
        );
      }
      // Account recovery and devices (B, still signed in, adds a second device).
      const forgot = () => fromNewIp(anonymous().post('/auth/password/forgot'));
      await call('post', '/auth/password/forgot', 200, forgot().send({ emailId: emailOf('none') }));
      await call('post', '/auth/password/forgot', 400, forgot().send({ emailId: 'not-an-email' }));
      await call(
        'post',
        '/auth/password/reset',
        400,
        fromNewIp(anonymous().post('/auth/password/reset')).send({
          token: 'ab'.repeat(32),
          password: STRONG_PASSWORD,
        }),
      );
      await logIn(emailOf('li'));
      const devices = await call('get', '/auth/sessions', 200, b.get('/auth/sessions'));
      await call('get', '/auth/sessions', 401, anonymous().get('/auth/sessions'));
      const other = (devices.body as { data: { id: string; current: boolean }[] }).data.find(
        (session) => !session.current,
      )!.id;
      await call('delete', '/auth/sessions/{id}', 200, b.delete(`/auth/sessions/${other}`));
      await call('delete', '/auth/sessions/{id}', 404, b.delete(`/auth/sessions/${other}`));
      await call('delete', '/auth/sessions/{id}', 400, b.delete('/auth/sessions/123'));
      await call('delete', '/auth/sessions', 200, b.delete('/auth/sessions'));
      await call(
        'post',
        '/auth/logout',
        200,
        anonymous().post('/auth/logout').set('Cookie', a.cookieHeader('both')),
      );
      // Leaving: the export, then the deletion (a wrong password first).
      const leaving = await signUpAndLogIn(t, { firstName: 'Leaving' });
      await call('get', '/profile/export', 200, leaving.get('/profile/export'));
      const remove = (password: string) =>
        request(t.server)
          .delete('/profile')
          .set('Cookie', leaving.cookieHeader())
          .send({ password });
      await call('delete', '/profile', 400, remove('Wr0ng!pass'));
      await call('delete', '/profile', 200, remove(STRONG_PASSWORD));
      await call('get', '/health', 200, anonymous().get('/health'));
      await call('get', '/health/ready', 200, anonymous().get('/health/ready'));

      expect(mismatches).toEqual([]);
      const documented = operations().map(({ key }) => key);
      expect(documented.filter((key) => !exercised.has(key))).toEqual([]);
    });
  });
});
