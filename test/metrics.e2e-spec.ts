import { createHmac } from 'node:crypto';
import { Types } from 'mongoose';
import request from 'supertest';
import { parsePrometheus, Sample, sampleValue } from './support/prometheus';
import { signUpAndLogIn, UserSession } from './support/session';
import { TestSocket } from './support/sockets';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const TOKEN = 'metrics-token-for-tests-0123';
const WEBHOOK_SECRET = 'metrics-webhook-secret-0123';
const HTTP = 'devlink_http_request_duration_seconds_count';

describe('GET /metrics (Prometheus, bearer METRICS_TOKEN)', () => {
  let t: TestApp;
  let alice: UserSession;

  const scrape = async (): Promise<Sample[]> => {
    const res = await request(t.server)
      .get('/metrics')
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(200);
    return parsePrometheus(res.text);
  };

  beforeAll(async () => {
    t = await createTestApp({
      listen: true,
      env: { METRICS_TOKEN: TOKEN, RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    alice = await signUpAndLogIn(t, { firstName: 'Alice' });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('access', () => {
    it.each([
      ['no Authorization header', undefined],
      ['a wrong token', `Bearer ${TOKEN}x`],
      ['the token without its scheme', TOKEN],
      ['basic credentials', `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}`],
      ["a user's access cookie only", 'cookie'],
    ])(
      '%s: 401 with WWW-Authenticate: Bearer and the error envelope, no metrics',
      async (_case, auth) => {
        const req = request(t.server).get('/metrics');
        if (auth === 'cookie') req.set('Cookie', alice.cookieHeader());
        else if (auth) req.set('Authorization', auth);
        const res = await req.expect(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(res.body).toEqual({
          success: false,
          message: 'A valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)',
          code: 'METRICS_TOKEN_REQUIRED',
        });
        expect(res.text).not.toContain('devlink_');
      },
    );

    it('the right token: 200 in the Prometheus text format, with the default Node metrics', async () => {
      const res = await request(t.server)
        .get('/metrics')
        .set('Authorization', `Bearer ${TOKEN}`)
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain;/);
      expect(res.headers['content-type']).toContain('version=0.0.4');
      expect(res.headers['cache-control']).toBe('no-store');
      const samples = parsePrometheus(res.text);
      expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(samples.find((s) => s.name === 'nodejs_eventloop_lag_seconds')?.labels).toEqual({
        process: 'api',
      });
    });

    it('is not rate limited: 40 scrapes in a row all answer 200', async () => {
      for (let i = 0; i < 40; i++) {
        await request(t.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
      }
    });

    it('is not in the OpenAPI document', async () => {
      const res = await request(t.server).get('/docs-json').expect(200);
      expect(Object.keys(res.body.paths)).not.toContain('/metrics');
    });
  });

  describe('HTTP latency histogram', () => {
    it('labels requests by route template and status, never by a raw id', async () => {
      const stranger = new Types.ObjectId().toHexString();
      const before = await scrape();
      const count = (samples: Sample[], labels: Record<string, string>) =>
        sampleValue(samples, HTTP, labels) ?? 0;

      await alice.get('/profile').expect(200);
      await alice.get('/profile').expect(200);
      await alice.get(`/profile/${stranger}`).expect(404);
      await request(t.server).get(`/chat/${stranger}`).expect(401);
      await request(t.server).get(`/no/such/route/${stranger}`).expect(404);
      await alice.get(`/chat/not-an-id`).expect(400);

      const after = await scrape();
      const delta = (labels: Record<string, string>) =>
        count(after, labels) - count(before, labels);
      expect(delta({ method: 'GET', route: '/profile', status_code: '200' })).toBe(2);
      expect(delta({ method: 'GET', route: '/profile/:userId', status_code: '404' })).toBe(1);
      expect(delta({ method: 'GET', route: '/chat/:targetUserId', status_code: '401' })).toBe(1);
      expect(delta({ method: 'GET', route: '/chat/:targetUserId', status_code: '400' })).toBe(1);
      expect(delta({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
      // Buckets and sums carry the same labels; the sum is a duration.
      expect(
        sampleValue(after, 'devlink_http_request_duration_seconds_sum', {
          route: '/profile',
          status_code: '200',
        }),
      ).toBeGreaterThan(0);

      const routes = new Set(after.filter((s) => s.labels.route).map((s) => s.labels.route));
      for (const route of routes) {
        expect(route).not.toContain(stranger);
        expect(route).not.toMatch(/[0-9a-f]{24}|not-an-id|no\/such/);
      }
    });
  });

  describe('dependencies', () => {
    it('MongoDB command latency by command name, from the driver', async () => {
      const samples = await scrape();
      const finds = sampleValue(samples, 'devlink_mongodb_command_duration_seconds_count', {
        command: 'find',
        outcome: 'ok',
      });
      expect(finds).toBeGreaterThan(0);
      expect(
        sampleValue(samples, 'devlink_mongodb_command_duration_seconds_count', {
          command: 'insert',
          outcome: 'ok',
        }),
      ).toBeGreaterThan(0);
    });

    it('Redis answers PING: redis_up 1 and a round trip', async () => {
      const samples = await scrape();
      expect(sampleValue(samples, 'devlink_redis_up')).toBe(1);
      expect(sampleValue(samples, 'devlink_redis_ping_seconds')).toBeGreaterThan(0);
    });

    it('queue depth per state: the verification email of a signup waits (no worker here)', async () => {
      const before = await scrape();
      const waiting = (samples: Sample[]) =>
        sampleValue(samples, 'devlink_queue_jobs', { queue: 'emailQueue', state: 'waiting' });
      await signUpAndLogIn(t, { firstName: 'Queued' });
      const after = await scrape();
      expect(waiting(after)).toBe((waiting(before) ?? 0) + 1);
      for (const state of ['active', 'delayed', 'failed', 'completed', 'paused', 'prioritized']) {
        expect(sampleValue(after, 'devlink_queue_jobs', { queue: 'emailQueue', state })).toBe(0);
      }
    });
  });

  describe('payment webhook outcomes', () => {
    it('counts a bad signature, an unhandled event and a duplicate delivery', async () => {
      const deliver = (raw: string, signature: string, eventId: string) =>
        request(t.server)
          .post('/payment/webhook')
          .set('Content-Type', 'application/json')
          .set('x-razorpay-signature', signature)
          .set('x-razorpay-event-id', eventId)
          .send(raw);
      const sign = (raw: string) => createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex');
      const raw = JSON.stringify({ event: 'refund.created', payload: {} });

      await deliver(raw, 'f'.repeat(64), 'evt_metrics_1').expect(400);
      await deliver(raw, sign(raw), 'evt_metrics_2').expect(200);
      await deliver(raw, sign(raw), 'evt_metrics_2').expect(200);

      const samples = await scrape();
      const outcome = (name: string) =>
        sampleValue(samples, 'devlink_payment_webhooks_total', { outcome: name });
      expect(outcome('invalid_signature')).toBe(1);
      expect(outcome('ignored_event')).toBe(1);
      expect(outcome('duplicate')).toBe(1);
      expect(outcome('processed')).toBeUndefined();
    });
  });

  describe('Socket.io', () => {
    const sockets: TestSocket[] = [];

    afterEach(() => {
      sockets.splice(0).forEach((s) => s.close());
    });

    it('connected sockets, online users, connections and events move with a real client', async () => {
      const before = await scrape();
      const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
        sampleValue(samples, name, labels) ?? 0;

      const tab1 = await TestSocket.connect(t.url, alice.cookieHeader());
      const tab2 = await TestSocket.connect(t.url, alice.cookieHeader());
      const parked = await TestSocket.connect(t.url);
      sockets.push(tab1, tab2, parked);
      await tab1.waitFor('onlineList');
      await tab2.waitFor('onlineList');
      await parked.waitFor('authRequired');
      tab1.emit('register', alice.id);
      await tab1.waitFor('onlineList', () => tab1.of('onlineList').length === 2);
      (tab1.socket as unknown as { emit: (event: string) => void }).emit('noSuchEvent');
      const events = (samples: Sample[], direction: string, event: string) =>
        value(samples, 'devlink_socketio_events_total', { direction, event });
      const during = await until(
        scrape,
        (samples) => events(samples, 'in', 'unknown') > events(before, 'in', 'unknown'),
      );
      expect(value(during, 'devlink_socketio_connected_sockets', { state: 'bound' })).toBe(2);
      expect(value(during, 'devlink_socketio_connected_sockets', { state: 'parked' })).toBe(1);
      expect(value(during, 'devlink_online_users')).toBe(1);
      expect(
        value(during, 'devlink_socketio_connections_total') -
          value(before, 'devlink_socketio_connections_total'),
      ).toBe(3);
      expect(events(during, 'in', 'register') - events(before, 'in', 'register')).toBe(1);
      expect(events(during, 'in', 'unknown') - events(before, 'in', 'unknown')).toBe(1);
      expect(events(during, 'out', 'onlineList') - events(before, 'out', 'onlineList')).toBe(3);
      expect(events(during, 'out', 'authRequired') - events(before, 'out', 'authRequired')).toBe(1);
      expect(during.some((s) => s.labels.event === 'noSuchEvent')).toBe(false);

      tab1.close();
      tab2.close();
      parked.close();
      // The gauges fall as the server handles each disconnect.
      const gauges = (samples: Sample[]) => [
        value(samples, 'devlink_socketio_connected_sockets', { state: 'bound' }),
        value(samples, 'devlink_socketio_connected_sockets', { state: 'parked' }),
        value(samples, 'devlink_online_users'),
      ];
      const after = await until(scrape, (samples) => gauges(samples).every((v) => v === 0));
      expect(gauges(after)).toEqual([0, 0, 0]);
    });
  });
});

// Its own app, after the one above closed: passport's strategies are process-global, so closing
// one app while another still serves requests breaks the other's authentication.
describe('GET /metrics without METRICS_TOKEN', () => {
  let plain: TestApp;

  beforeAll(async () => {
    plain = await createTestApp();
  });

  afterAll(async () => {
    await plain.close();
  });

  it('the route does not exist: 404 like any unknown path, whatever the header', async () => {
    const res = await request(plain.server)
      .get('/metrics')
      .set('Authorization', 'Bearer anything-at-all-0123')
      .expect(404);
    expect(res.body).toEqual({ success: false, message: 'Not Found', code: 'ROUTE_NOT_FOUND' });
  });
});
