import { MongoClient } from 'mongodb';
import { freePort } from '../scripts/services';
import { Answer, cookiesOf, HttpClient } from './support/http-client';
import { PrivateStorage } from './support/private-storage';
import { waitUntil } from './support/private-redis';
import { ResendStub, verificationTokenFrom } from './support/resend-stub';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { deleteRedisNamespace, testEnvironment, uniqueNamespace } from './support/test-app';
import { loadConfig } from '../src/config/app-config';

const UNAVAILABLE = {
  success: false,
  message: 'Service temporarily unavailable, try again shortly',
  code: 'SERVICE_UNAVAILABLE',
};

const storage = PrivateStorage.create();
if (!storage) {
  process.stderr.write(
    `[fault-database] skipped: cannot start a private copy of ${process.env.TEST_MONGODB_KIND}\n`,
  );
}

/**
 * The database server process is killed and started again on the same port while the
 * API and the worker (real processes) run against it. Each file gets a database server of its
 * own (same engine as the suite), so other tests never see the outage.
 */
(storage ? describe : describe.skip)('Fault: database stopped and started', () => {
  const db = storage!;
  const namespace = uniqueNamespace('faultdb');
  const stub = new ResendStub();
  let api: SpawnedProcess;
  let worker: SpawnedProcess;
  let http: HttpClient;
  let annCookies = '';

  const env = () =>
    testEnvironment(namespace, {
      MONGODB_URI: db.uri,
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: stub.url,
      LOG_LEVEL: 'info',
    });
  const signUp = (name: string) => http.signUp(name);
  const logIn = (name: string) => http.logIn(name);
  const verify = async (name: string) => {
    const [email] = await stub.waitFor((e) => e.recipients[0] === `${name}@example.com`);
    const answer = await http.call(
      'GET',
      `/auth/verify-email?token=${verificationTokenFrom(email)}`,
    );
    expect(answer.status).toBe(200);
  };

  beforeAll(async () => {
    await db.start();
    await stub.start();
    const port = await freePort();
    http = new HttpClient(`http://127.0.0.1:${port}`);
    api = spawnEntry('src/main.ts', { ...env(), PORT: String(port) });
    worker = spawnEntry('src/main.worker.ts', env());
    await Promise.all([
      api.waitForOutput(/API listening/, 90000),
      worker.waitForOutput(/Worker ready/, 90000),
    ]);
  }, 150000);

  afterAll(async () => {
    for (const child of [api, worker]) child?.child.kill('SIGTERM');
    await Promise.all([api?.exited, worker?.exited]);
    await deleteRedisNamespace(loadConfig(env()));
    await stub.stop();
    await db.close();
  });

  it('while it is down: readiness 503, requests 503 with the envelope, never 500', async () => {
    expect((await signUp('Ann')).status).toBe(201);
    await verify('ann');
    const login = await logIn('Ann');
    expect(login.status).toBe(200);
    annCookies = cookiesOf(login);

    await db.stop();

    const ready = await http.call('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details).toMatchObject({
      mongodb: { status: 'down' },
      redis: { status: 'up' },
    });
    expect((await http.call('GET', '/health')).status).toBe(200);

    const probes: [string, () => Promise<Answer>][] = [
      ['login', () => logIn('Ann')],
      ['signup', () => signUp('Bob')],
      [
        'edit',
        () => http.call('PATCH', '/profile/edit', { cookie: annCookies, body: { about: 'x' } }),
      ],
      ['feed', () => http.call('GET', '/user/feed?page=1', { cookie: annCookies })],
      ['requests', () => http.call('GET', '/user/requests/received', { cookie: annCookies })],
      ['profile', () => http.call('GET', '/profile', { cookie: annCookies })],
      ['plan status', () => http.call('GET', '/payment/status', { cookie: annCookies })],
    ];
    // All at once: each waits for server selection (serverSelectionTimeoutMS, 5 s) at most.
    const results = await Promise.all(
      probes.map(async ([name, probe]) => [name, await probe()] as const),
    );
    const answers: Record<string, number> = {};
    for (const [name, answer] of results) {
      answers[name] = answer.status;
      expect([200, 503]).toContain(answer.status);
      if (answer.status === 503) {
        expect(answer.body).toEqual(UNAVAILABLE);
        expect(answer.headers.get('retry-after')).toBe('5');
      }
    }
    // Whatever must read or write the database is refused; cached reads may still answer.
    expect(answers).toMatchObject({ login: 503, signup: 503, edit: 503, feed: 503 });
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  }, 90000);

  it('after it is back: readiness 200 and full recovery without a restart', async () => {
    await db.start();
    await waitUntil(
      async () => (await http.call('GET', '/health/ready')).status === 200,
      'readiness after the database returned',
      20000,
    );
    expect((await logIn('Ann')).status).toBe(200);
    const edit = await http.call('PATCH', '/profile/edit', {
      cookie: annCookies,
      body: { about: 'back' },
    });
    expect(edit.status).toBe(200);
    expect((await http.call('GET', '/profile', { cookie: annCookies })).body.data.about).toBe(
      'back',
    );
    expect((await http.call('GET', '/user/feed?page=1', { cookie: annCookies })).status).toBe(200);
    // Bob's signup was refused while the database was down: no account, and now it works,
    // email included (the worker recovered too).
    expect((await signUp('Bob')).status).toBe(201);
    await verify('bob');
    const verifications = stub.delivered.filter(
      (e) =>
        e.recipients[0] === 'bob@example.com' && e.body.subject === 'Verify your DevLink email',
    );
    expect(verifications).toHaveLength(1);
    const client = await MongoClient.connect(db.uri);
    try {
      const users = client.db(`devlink_${namespace}`).collection('users');
      expect(await users.countDocuments({ emailId: 'bob@example.com' })).toBe(1);
    } finally {
      await client.close();
    }
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  }, 60000);

  // FerretDB up but its PostgreSQL gone: FerretDB answers every command with InternalError.
  const itWithBackend = storage?.backend ? it : it.skip;
  itWithBackend(
    'PostgreSQL behind FerretDB stopped and started: 503, then recovery',
    async () => {
      db.backend!.stop();
      const ready = await http.call('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.details.mongodb.status).toBe('down');
      const [login, feed] = await Promise.all([
        logIn('Ann'),
        http.call('GET', '/user/feed?page=1', { cookie: annCookies }),
      ]);
      for (const answer of [login, feed]) {
        // status and body together, so a 500 shows its errorId (the API's log names the error)
        expect({ status: answer.status, body: answer.body }).toEqual({
          status: 503,
          body: UNAVAILABLE,
        });
        expect(answer.headers.get('retry-after')).toBe('5');
      }

      db.backend!.start();
      await waitUntil(
        async () => (await http.call('GET', '/health/ready')).status === 200,
        'readiness after PostgreSQL returned',
        20000,
      );
      expect((await logIn('Ann')).status).toBe(200);
      expect((await http.call('GET', '/user/feed?page=1', { cookie: annCookies })).status).toBe(
        200,
      );
      expect(api.child.exitCode).toBeNull();
      expect(worker.child.exitCode).toBeNull();
    },
    60000,
  );
});
