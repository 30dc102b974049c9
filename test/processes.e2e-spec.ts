import { spawnEntry } from './support/spawn';
import { signUpAndLogIn } from './support/session';
import { TestSocket } from './support/sockets';
import {
  createTestApp,
  deleteRedisNamespace,
  testEnvironment,
  uniqueNamespace,
} from './support/test-app';
import { loadConfig } from '../src/config/app-config';
import { PresenceStore } from '../src/modules/presence/presence.store';
import { freePort } from '../scripts/services';

describe('Process lifecycle (spawned entry points)', () => {
  const namespace = uniqueNamespace('proc');
  afterAll(() => deleteRedisNamespace(loadConfig(testEnvironment(namespace))));

  it('the API refuses to start without a required variable, exit 1 naming it', async () => {
    const env = testEnvironment(namespace, { ACCESS_TOKEN_SECRET_KEY: undefined });
    const api = spawnEntry('src/main.ts', env);
    const { code } = await api.exited;
    expect(code).toBe(1);
    expect(api.output()).toContain('ACCESS_TOKEN_SECRET_KEY is required but missing');
  });

  it('the worker refuses an invalid variable, exit 1 naming it', async () => {
    const env = testEnvironment(namespace, { MONGODB_URI: 'http://not-mongo' });
    const worker = spawnEntry('src/main.worker.ts', env);
    const { code } = await worker.exited;
    expect(code).toBe(1);
    expect(worker.output()).toContain('MONGODB_URI must be a mongodb:// URI');
  });

  it('in production the worker refuses a placeholder token secret, exit 1 naming it', async () => {
    const env = testEnvironment(namespace, {
      NODE_ENV: 'production',
      ACCESS_TOKEN_SECRET_KEY: 'change-me-access-secret-at-least-32-chars',
      REFRESH_TOKEN_SECRET_KEY: 'r'.repeat(64),
    });
    const worker = spawnEntry('src/main.worker.ts', env);
    const { code } = await worker.exited;
    expect(code).toBe(1);
    expect(worker.output()).toContain('ACCESS_TOKEN_SECRET_KEY is a placeholder');
  });

  it('the worker starts with no HTTP listener and exits 0 on SIGTERM', async () => {
    const worker = spawnEntry(
      'src/main.worker.ts',
      testEnvironment(namespace, { LOG_LEVEL: 'info' }),
    );
    await worker.waitForOutput(/Worker ready/);
    expect(worker.output()).not.toMatch(/listening/i);
    worker.child.kill('SIGTERM');
    const { code } = await worker.exited;
    expect(code).toBe(0);
    expect(worker.output()).toContain('Shutdown complete');
  });

  it('the API serves /health, then exits 0 on SIGTERM even with a keep-alive client', async () => {
    const port = await freePort();
    const api = spawnEntry(
      'src/main.ts',
      testEnvironment(namespace, { PORT: String(port), LOG_LEVEL: 'info' }),
    );
    await api.waitForOutput(/API listening/);
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
      headers: { connection: 'keep-alive' },
    });
    expect(res.status).toBe(200);
    api.child.kill('SIGTERM');
    const { code } = await api.exited;
    expect(code).toBe(0);
  });

  it('on SIGTERM the API stops listening, then closes socket transports (clients reconnect elsewhere) and forgets them', async () => {
    const drainNamespace = uniqueNamespace('drain');
    const t = await createTestApp({ namespace: drainNamespace });
    const port = await freePort();
    const api = spawnEntry(
      'src/main.ts',
      testEnvironment(drainNamespace, { PORT: String(port), LOG_LEVEL: 'info' }),
    );
    let tab: TestSocket | undefined;
    try {
      await api.waitForOutput(/API listening/, 120_000);
      const user = await signUpAndLogIn(t);
      tab = await TestSocket.connect(`http://127.0.0.1:${port}`, user.cookieHeader());
      await tab.waitFor('onlineList');
      const store = t.app.get(PresenceStore);
      expect(await store.onlineAmong([user.id])).toEqual([user.id]);

      const disconnected = tab.nextDisconnect(15_000);
      api.child.kill('SIGTERM');
      // "transport close" is what socket.io clients reconnect after ("io server disconnect" is not).
      expect(await disconnected).toBe('transport close');
      // By then the listener was closed: a new connection is refused (nginx tries the next instance).
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
      expect(await api.exited).toEqual({ code: 0, signal: null });
      expect(api.output()).toMatch(/"msg":"Draining sockets"[^\n]*"sockets":1/);
      expect(await store.onlineAmong([user.id])).toEqual([]);
    } finally {
      tab?.close();
      if (api.child.exitCode === null) api.child.kill('SIGKILL');
      await t.close();
    }
  }, 150_000);
});
