import request from 'supertest';
import type { ApiExpressAdapter } from '../src/common/bootstrap/http-adapter';
import { ProbeModule } from './support/probe.module';
import { createTestApp, TEST_FRONTEND_URL, TestApp } from './support/test-app';

describe('Foundation: HTTP plumbing against the real database and Redis', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('health, readiness and docs', () => {
    it('GET /health answers the contract shape, not enveloped', async () => {
      const res = await request(t.server).get('/health').expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['status', 'timestamp', 'uptime']);
      expect(res.body.status).toBe('ok');
      expect(typeof res.body.uptime).toBe('number');
      expect(new Date(res.body.timestamp).toISOString()).toBe(res.body.timestamp);
    });

    it('tolerates case differences and a trailing slash in paths', async () => {
      await request(t.server).get('/HEALTH/').expect(200);
    });

    it('GET /health/ready reports MongoDB and Redis up', async () => {
      const res = await request(t.server).get('/health/ready').expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.details.mongodb.status).toBe('up');
      expect(res.body.details.redis.status).toBe('up');
    });

    it('serves Swagger UI at /docs and OpenAPI JSON with cookie auth at /docs-json', async () => {
      const ui = await request(t.server).get('/docs').redirects(1).expect(200);
      expect(ui.text).toContain('swagger-ui');
      const spec = await request(t.server).get('/docs-json').expect(200);
      expect(spec.body.openapi).toMatch(/^3\./);
      expect(spec.body.components.securitySchemes.accessToken).toEqual(
        expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'accessToken' }),
      );
      expect(spec.body.paths['/health']).toBeDefined();
    });
  });

  describe('error envelopes', () => {
    it('unknown route → 404 envelope', async () => {
      const res = await request(t.server).get('/definitely/not/here').expect(404);
      expect(res.body).toEqual({ success: false, message: 'Not Found', code: 'ROUTE_NOT_FOUND' });
    });

    it('malformed JSON → 400 envelope', async () => {
      const res = await request(t.server)
        .post('/__probe/items')
        .set('Content-Type', 'application/json')
        .send('{"key": "a",')
        .expect(400);
      expect(res.body).toEqual({
        success: false,
        message: 'Malformed JSON in request body',
        code: 'BODY_MALFORMED_JSON',
      });
    });

    it('body over 100 kB → 413 envelope', async () => {
      const res = await request(t.server)
        .post('/__probe/items')
        .send({ key: 'big', value: 'x'.repeat(110 * 1024) })
        .expect(413);
      expect(res.body).toEqual({
        success: false,
        message: 'Request body too large (limit 100kb)',
        code: 'BODY_TOO_LARGE',
      });
    });

    it('validation error → 400 naming the field', async () => {
      const res = await request(t.server)
        .post('/__probe/items')
        .send({ key: 42, value: 'v' })
        .expect(400);
      expect(res.body).toEqual({
        success: false,
        message: 'key must be a string',
        code: 'VALIDATION_FAILED',
      });
      const tooLong = await request(t.server)
        .post('/__probe/items')
        .send({ key: 'k'.repeat(41), value: 'v' })
        .expect(400);
      expect(tooLong.body.message).toBe('key must be shorter than or equal to 40 characters');
    });

    it('a missing body is an empty object, so required fields are reported, not a crash', async () => {
      const res = await request(t.server).post('/__probe/items').expect(400);
      expect(res.body.success).toBe(false);
      expect(res.body.message).toMatch(/^key /);
    });

    it('unknown fields → 400 naming the field', async () => {
      const res = await request(t.server)
        .post('/__probe/items')
        .send({ key: 'a', value: 'b', isAdmin: true })
        .expect(400);
      expect(res.body).toEqual({
        success: false,
        message: 'property isAdmin should not exist',
        code: 'VALIDATION_FAILED',
      });
    });

    it('operator injection in body or query → 400 and nothing stored', async () => {
      const res = await request(t.server)
        .post('/__probe/items')
        .send({ key: { $gt: '' }, value: 'b' })
        .expect(400);
      expect(res.body).toEqual({
        success: false,
        message: 'Field names may not start with "$" (got "$gt")',
        code: 'INPUT_OPERATOR_KEY',
      });
      await request(t.server).get('/__probe/items?key[$ne]=x').expect(400);
      expect(await t.connection.collection('probes').countDocuments({ value: 'b' })).toBe(0);
    });

    it('duplicate key on a unique index → 409 envelope, first document intact', async () => {
      await request(t.server)
        .post('/__probe/items')
        .send({ key: 'dup', value: 'first' })
        .expect(201);
      const res = await request(t.server)
        .post('/__probe/items')
        .send({ key: 'dup', value: 'second' })
        .expect(409);
      expect(res.body).toEqual({
        success: false,
        message: 'Resource already exists',
        code: 'DUPLICATE_KEY',
      });
      const stored = await t.connection.collection('probes').find({ key: 'dup' }).toArray();
      expect(stored.map((d) => d.value)).toEqual(['first']);
    });

    it('unexpected throw → 500 with an error id and no internals', async () => {
      const res = await request(t.server).get('/__probe/boom').expect(500);
      expect(Object.keys(res.body).sort()).toEqual(['code', 'errorId', 'message', 'success']);
      expect(res.body.message).toBe('Internal Server Error');
      expect(res.body.code).toBe('INTERNAL_ERROR');
      expect(res.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.text).not.toContain('hunter2');
      expect(res.text).not.toContain('at ');
    });
  });

  describe('cross-cutting headers', () => {
    it('echoes a client UUID v4 x-request-id and generates one otherwise', async () => {
      const id = '3b241101-e2bb-4255-8caf-4136c566a962';
      const echoed = await request(t.server).get('/health').set('x-request-id', id);
      expect(echoed.headers['x-request-id']).toBe(id);
      const generated = await request(t.server).get('/health').set('x-request-id', 'not-a-uuid');
      expect(generated.headers['x-request-id']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(generated.headers['x-request-id']).not.toBe('not-a-uuid');
    });

    it('CORS allows exactly FRONTEND_URL with credentials, on errors too', async () => {
      const res = await request(t.server)
        .get('/nope')
        .set('Origin', 'http://evil.example')
        .expect(404);
      expect(res.headers['access-control-allow-origin']).toBe(TEST_FRONTEND_URL);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      const preflight = await request(t.server)
        .options('/__probe/items')
        .set('Origin', TEST_FRONTEND_URL)
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'content-type,x-request-id')
        .expect(204);
      expect(preflight.headers['access-control-allow-headers']).toBe('content-type,x-request-id');
      expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
    });

    it('sets helmet security headers', async () => {
      const res = await request(t.server).get('/health');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('routing', () => {
    it("serves every endpoint from the adapter's route table; only Swagger's stay on Express's", async () => {
      const adapter = t.app.getHttpAdapter() as unknown as ApiExpressAdapter;
      const { stack } = adapter.getInstance<{
        router: { stack: { route?: { path: string } }[] };
      }>().router;
      const onExpress = stack.flatMap((layer) => (layer.route ? [layer.route.path] : []));
      expect(onExpress.filter((path) => !path.startsWith('/docs'))).toEqual([]);
      // Every controller route (the probe module's included).
      expect(adapter.routes.routeCount).toBeGreaterThan(30);
      // Swagger UI is ours (its init script points at our document), not swagger-ui-dist's demo.
      const ui = await request(t.server).get('/docs/').expect(200);
      expect(ui.text).toContain('swagger-ui-init.js');
      const init = await request(t.server).get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('DevLink API');
      await request(t.server).get('/docs-json').expect(200);
      await request(t.server).get('/HEALTH/').expect(200);
      await request(t.server).head('/health').expect(200);
    });

    it('answers a malformed escape in a path parameter with 400 and the envelope', async () => {
      const res = await request(t.server).get('/chat/%E0%A4%A').expect(400);
      expect(res.body).toMatchObject({ success: false });
    });
  });

  describe('storage round trips', () => {
    it('writes and reads MongoDB through the app', async () => {
      await request(t.server)
        .post('/__probe/items')
        .send({ key: 'rt', value: 'hello' })
        .expect(201);
      const res = await request(t.server).get('/__probe/items').expect(200);
      expect(res.body.data).toEqual(expect.arrayContaining([{ key: 'rt', value: 'hello' }]));
    });

    it('writes and reads Redis under this app’s key prefix', async () => {
      const res = await request(t.server)
        .post('/__probe/redis/k1')
        .send({ value: 'v1' })
        .expect(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Redis round trip',
        data: { value: 'v1' },
      });
    });

    it('created the schema’s unique index at boot', async () => {
      const indexes = await t.connection.collection('probes').indexes();
      expect(indexes).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: { key: 1 }, unique: true })]),
      );
    });
  });
});
