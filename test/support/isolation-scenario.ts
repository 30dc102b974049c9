import Redis from 'ioredis';
import request from 'supertest';
import { ProbeModule } from './probe.module';
import { createTestApp, TestApp } from './test-app';

/**
 * Run by two spec files at once (Jest runs files in parallel workers): each writes the same
 * keys into "its" database and Redis namespace, and must see only its own data afterwards.
 */
export function isolationScenario(label: string): void {
  describe(`Test isolation (${label})`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ imports: [ProbeModule] });
    });

    afterAll(async () => {
      const { config } = t;
      await t.close();
      // close() must leave nothing behind in Redis for this namespace.
      const raw = new Redis(config.redis.url);
      const left = await raw.keys(`${config.redis.keyPrefix}:*`);
      raw.disconnect();
      expect(left).toEqual([]);
    });

    it('sees only its own documents and Redis values', async () => {
      for (let i = 0; i < 20; i++) {
        await request(t.server)
          .post('/__probe/items')
          .send({ key: `shared-${i}`, value: label })
          .expect(201);
        await request(t.server)
          .post('/__probe/redis/shared')
          .send({ value: `${label}-${i}` })
          .expect(200);
      }
      const res = await request(t.server).get('/__probe/items').expect(200);
      expect(res.body.data).toHaveLength(20);
      expect(new Set(res.body.data.map((d: { value: string }) => d.value))).toEqual(
        new Set([label]),
      );
      const redis = await request(t.server)
        .post('/__probe/redis/shared')
        .send({ value: label })
        .expect(200);
      expect(redis.body.data.value).toBe(label);
    });
  });
}
