import request from 'supertest';
import { freePort } from '../scripts/services';
import { createTestApp, TestApp } from './support/test-app';

describe('Readiness when a dependency is down', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on this port: Redis is "down" for this app while MongoDB is up.
    const deadPort = await freePort();
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${deadPort}` } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('GET /health/ready → 503 naming Redis as down; liveness still 200', async () => {
    const res = await request(t.server).get('/health/ready').expect(503);
    expect(res.body.status).toBe('error');
    expect(res.body.details.mongodb.status).toBe('up');
    expect(res.body.details.redis.status).toBe('down');
    await request(t.server).get('/health').expect(200);
  });
});
