import type { Document } from 'mongodb';
import { signUpAndLogIn, UserSession } from './support/session';
import { createTestApp, TestApp } from './support/test-app';

interface CapturedQuery {
  collection: string;
  method: string;
  filter: Document;
  options: Document;
}

/** Top-level equality/range fields a query filters on, per `$or` branch. */
function branches(filter: Document): string[][] {
  const own = Object.keys(filter).filter((k) => !k.startsWith('$'));
  if (Array.isArray(filter.$or))
    return (filter.$or as Document[]).map((branch) => [...own, ...Object.keys(branch)]);
  return [own];
}

function stagesOf(plan: Document | undefined, out: string[] = []): string[] {
  if (!plan) return out;
  out.push(String(plan.stage));
  stagesOf(plan.inputStage as Document | undefined, out);
  for (const input of (plan.inputStages as Document[] | undefined) ?? []) stagesOf(input, out);
  return out;
}

/**
 * Captures the queries the list routes really issue (mongoose debug hook) and checks each one
 * against the indexes. On MongoDB the winning plans must not scan collections; FerretDB 1.24
 * (SQLite) never uses secondary indexes, so there we check that an index leads with a filtered
 * field for every query (the GitHub workflow runs this file against MongoDB).
 */
describe('Queries behind the list routes are index-backed', () => {
  let t: TestApp;
  let viewer: UserSession;
  const captured: CapturedQuery[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    viewer = await signUpAndLogIn(t);
    const other = await signUpAndLogIn(t);
    await other.post('/profile/onboarding/complete').expect(200);
    const sent = await other.post(`/request/send/interested/${viewer.id}`).expect(200);
    await viewer.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
    await viewer.post(`/request/send/ignored/${(await signUpAndLogIn(t)).id}`).expect(200);

    t.connection.set(
      'debug',
      (collection: string, method: string, filter: Document, options: Document) => {
        captured.push({ collection, method, filter: filter ?? {}, options: options ?? {} });
      },
    );
    await viewer.get('/user/feed?limit=5').expect(200);
    await viewer.get('/user/feed?limit=5&skills=Go').expect(200);
    await viewer.get('/user/requests/received').expect(200);
    await viewer.get('/user/requests/sent').expect(200);
    await viewer.get('/user/connections').expect(200);
    t.connection.set('debug', false);
  });

  afterAll(async () => {
    await t.close();
  });

  it('every captured find/count on users and connections is served by an index', async () => {
    const queries = captured.filter(
      (q) =>
        ['users', 'connectionmodels'].includes(q.collection) &&
        ['find', 'findOne', 'countDocuments'].includes(q.method),
    );
    expect(queries.length).toBeGreaterThanOrEqual(10);
    const db = t.connection.db!;
    const buildInfo = await db.admin().command({ buildInfo: 1 });
    const isFerretDb = 'ferretdb' in buildInfo;

    for (const query of queries) {
      const where = `${query.collection}.${query.method}(${JSON.stringify(query.filter)})`;
      if (isFerretDb) {
        const indexes = await db.collection(query.collection).indexes();
        const leading = new Set(indexes.map((index) => Object.keys(index.key)[0]));
        for (const fields of branches(query.filter)) {
          expect({ where, indexed: fields.some((field) => leading.has(field)) }).toEqual({
            where,
            indexed: true,
          });
        }
      } else {
        const explain = await db
          .collection(query.collection)
          .find(query.filter, {
            sort: query.options.sort as Document,
            limit: query.options.limit as number,
          })
          .explain('queryPlanner');
        const stages = stagesOf((explain.queryPlanner as Document).winningPlan as Document);
        expect({ where, stages }).toEqual({
          where,
          stages: expect.not.arrayContaining(['COLLSCAN']),
        });
      }
    }
  });
});
