import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { signUpAndLogIn, UserSession } from './support/session';
import { createTestApp, TestApp } from './support/test-app';

type Keys = (string | symbol)[];

/** Express's router's private symbols (its match on every request, its error tracing): undeclarable. */
const isRouterPrivate = (key: string | symbol) =>
  typeof key === 'symbol' && (key.description ?? '').startsWith('router.');

/**
 * Every property the app sets on a request or response must be declared by ApiRequest or
 * ApiResponse (src/common/http/message-shapes.ts; docs/conventions.md): one added while serving
 * gives the object another hidden class, which made every request dearer (docs/performance.md).
 */
describe('Request and response shapes', () => {
  let t: TestApp;
  let me: UserSession;
  let other: UserSession;
  const served: { route: string; request: Keys; response: Keys }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    me = await signUpAndLogIn(t, { firstName: 'Shape' });
    other = await signUpAndLogIn(t, { firstName: 'Form' });
    // Runs before the app: what node made, against what is there once the response is sent.
    t.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const made = {
        request: new Set(Reflect.ownKeys(req)),
        response: new Set(Reflect.ownKeys(res)),
      };
      res.once('finish', () => {
        served.push({
          route: `${req.method} ${req.url} ${res.statusCode}`,
          request: Reflect.ownKeys(req).filter(
            (key) => !made.request.has(key) && !isRouterPrivate(key),
          ),
          response: Reflect.ownKeys(res).filter((key) => !made.response.has(key)),
        });
      });
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('serving public, guarded, validated, failing and writing routes adds no property', async () => {
    await request(t.server).get('/health').expect(200);
    await request(t.server).get('/no-such-route').expect(404);
    await me.get('/profile').expect(200);
    await me.get('/skills').expect(200);
    await me.get('/user/feed?page=1&limit=10').expect(200);
    await me.get('/user/feed?page=0').expect(400);
    await me.patch('/profile/edit', { about: 'Shapes' }).expect(200);
    await me.post(`/request/send/interested/${other.id}`).expect(200);
    await request(t.server).get('/profile').expect(401);
    await request(t.server)
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"emailId":')
      .expect(400);

    expect(served).toHaveLength(10);
    for (const { route, ...undeclared } of served) {
      expect({ route, ...undeclared }).toEqual({ route, request: [], response: [] });
    }
  });
});
