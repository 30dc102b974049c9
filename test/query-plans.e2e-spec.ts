import type { Document } from 'mongodb';
import { Types } from 'mongoose';
import request from 'supertest';
import { BlocksRepository } from '../src/modules/blocks/blocks.repository';
import { ReportsRepository } from '../src/modules/safety/reports.repository';
import { givePlan } from './support/plans';
import { letters, signUpAndLogIn, UserSession } from './support/session';
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

/** PostgreSQL plan nodes (FerretDB v2 + DocumentDB): `Node Type (Index Name)`. */
function pgNodesOf(plan: Document | undefined, out: string[] = []): string[] {
  if (!plan) return out;
  const index = plan['Index Name'] as string | undefined;
  out.push(index ? `${String(plan['Node Type'])} (${index})` : String(plan['Node Type']));
  for (const child of (plan.Plans as Document[] | undefined) ?? []) pgNodesOf(child, out);
  return out;
}

type Engine = 'mongodb' | 'ferretdb-documentdb' | 'ferretdb-sqlite';

/**
 * Captures the queries the list routes really issue (mongoose debug hook), on a data set big
 * enough for a cost-based planner to prefer indexes, and checks each plan: on MongoDB no
 * `COLLSCAN`; on FerretDB v2 + DocumentDB no `Seq Scan` and an index named in the plan. FerretDB
 * 1.24 (SQLite) never uses secondary indexes, so there we only check that an index leads with a
 * filtered field.
 */
describe('Queries behind the list routes are index-backed', () => {
  let t: TestApp;
  let viewer: UserSession;
  const captured: CapturedQuery[] = [];

  beforeAll(async () => {
    // Admin credentials mount GET /admin/reports (its list is checked too).
    t = await createTestApp({
      env: { ADMIN_USER: 'admin', ADMIN_PASSWORD: 'plans-admin-password' },
    });
    viewer = await signUpAndLogIn(t);
    await givePlan(t, viewer.id, 'PRO'); // the skills filter below is a paid entitlement
    const other = await signUpAndLogIn(t);
    await other.post('/profile/onboarding/complete').expect(200);
    const sent = await other.post(`/request/send/interested/${viewer.id}`).expect(200);
    await viewer.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
    await viewer.post(`/request/send/ignored/${(await signUpAndLogIn(t)).id}`).expect(200);
    await seedBulk(t, 2000);
    await seedChats(t, viewer.id, other.id, 2000);
    await seedSessionsAndResets(t, 2000);
    await seedBlocksAndReports(t, 2000);
    const blocked = await signUpAndLogIn(t);

    t.connection.set(
      'debug',
      (collection: string, method: string, filter: Document, options: Document) => {
        captured.push({ collection, method, filter: filter ?? {}, options: options ?? {} });
      },
    );
    // A block first: it rebuilds the viewer's feed exclusions, which then read the blocks.
    await viewer.post(`/user/block/${blocked.id}`).expect(200);
    await viewer.get('/user/blocked').expect(200);
    await viewer.post(`/user/report/${blocked.id}`, { reason: 'spam' }).expect(201);
    const admin = `Basic ${Buffer.from('admin:plans-admin-password').toString('base64')}`;
    await request(t.server).get('/admin/reports?limit=20').set('Authorization', admin).expect(200);
    await request(t.server)
      .get('/admin/reports?limit=20&status=open')
      .set('Authorization', admin)
      .expect(200);
    await viewer.get('/user/feed?limit=40').expect(200); // spans all three tiers
    await viewer.get('/user/feed?limit=40&skills=Go').expect(200);
    await viewer.get('/user/requests/received').expect(200);
    await viewer.get('/user/requests/sent').expect(200);
    await viewer.get('/user/connections').expect(200);
    await viewer.get('/chat/recent').expect(200);
    await viewer.get('/chat/unread').expect(200);
    await viewer.get(`/chat/${other.id}`).expect(200);
    await viewer.get('/auth/sessions').expect(200);
    await request(t.server)
      .post('/auth/password/reset')
      .send({ token: 'ab'.repeat(32), password: 'N3w!Passw0rd' })
      .expect(400);
    await viewer.get('/profile/export').expect(200);
    // Account deletion's block and report steps (for a user with none: the queries are the same).
    const leaving = new Types.ObjectId();
    await t.app.get(BlocksRepository).removeAllOf(leaving);
    await t.app.get(ReportsRepository).detachReporter(leaving);
    t.connection.set('debug', false);
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  async function engineOf(): Promise<Engine> {
    const buildInfo = await t.connection.db!.admin().command({ buildInfo: 1 });
    const ferret = buildInfo.ferretdb as { version?: string } | undefined;
    if (!ferret) return 'mongodb';
    return ferret.version?.startsWith('v1.') ? 'ferretdb-sqlite' : 'ferretdb-documentdb';
  }

  it('the routes issue the graph, feed page, feed count and user lookups', () => {
    const shapes = captured.map(
      (q) => `${q.collection}.${q.method}:${Object.keys(q.filter).sort().join(',')}`,
    );
    expect([...new Set(shapes)]).toEqual(
      expect.arrayContaining([
        'connectionmodels.find:$or',
        // the feed's three tiers: boosted, ELITE, everyone else (with and without skills)
        'users.find:_id,boostedAt,boostedUntil,emailVerified,onboardingComplete',
        'users.find:$nor,_id,emailVerified,feedPriorityUntil,onboardingComplete',
        'users.find:$nor,_id,emailVerified,feedPriorityUntil,onboardingComplete,skillsKey',
        'users.find:$nor,_id,emailVerified,onboardingComplete',
        'users.find:_id,boostedAt,boostedUntil,emailVerified,onboardingComplete,skillsKey',
        'users.find:$nor,_id,emailVerified,onboardingComplete,skillsKey',
        // the feed count: every candidate (shared), and which of a viewer's exclusions are ones
        'users.countDocuments:emailVerified,onboardingComplete',
        'users.countDocuments:_id,emailVerified,onboardingComplete',
        // who may be boosted or ELITE (cached; lets a page skip the tiers nobody is in)
        'users.find:boostedUntil',
        'users.find:feedPriorityUntil',
        'users.find:_id',
        'chats.find:lastMessageAt,participants',
        'messages.find:chatId',
        // history of a chat of unknown size: windows of `historyKey`, then the rest
        'messages.find:historyKey',
        // the devices list and a password-reset link being used
        'sessions.find:expiresAt,revokedAt,userId',
        'password_resets.findOneAndUpdate:expiresAt,tokenHash,usedAt',
        // the data export: the caller's messages, chat by chat
        'messages.find:chatId,senderId',
        // blocks: a block's own row, whom the viewer blocked (list, feed exclusions), who
        // blocked them; the admins' list of reports, all or of one status; the reports a
        // deleted account filed
        'blocks.findOne:blockedId,blockerId',
        'blocks.find:blockerId',
        'blocks.find:blockedId',
        'reports.find:',
        'reports.find:status',
        'reports.find:reporterId',
      ]),
    );
  });

  it('every captured find/count on users and connections is served by an index', async () => {
    const queries = captured.filter(
      (q) =>
        ([
          'users',
          'connectionmodels',
          'chats',
          'messages',
          'sessions',
          'blocks',
          'reports',
        ].includes(q.collection) &&
          ['find', 'findOne', 'countDocuments'].includes(q.method)) ||
        (q.collection === 'password_resets' && q.method === 'findOneAndUpdate'),
    );
    expect(queries.length).toBeGreaterThanOrEqual(5);
    const db = t.connection.db!;
    const engine = await engineOf();

    for (const query of queries) {
      const where = `${query.collection}.${query.method}(${JSON.stringify(query.filter)})`;
      if (engine === 'ferretdb-sqlite') {
        const indexes = await db.collection(query.collection).indexes();
        const leading = new Set(indexes.map((index) => Object.keys(index.key)[0]));
        for (const fields of branches(query.filter)) {
          expect({ where, indexed: fields.some((field) => leading.has(field)) }).toEqual({
            where,
            indexed: true,
          });
        }
        continue;
      }
      const explain = await db
        .collection(query.collection)
        .find(query.filter, {
          sort: query.options.sort as Document,
          limit: query.options.limit as number,
          hint: query.options.hint as Document,
        })
        .explain('queryPlanner');
      const planner = explain.queryPlanner as Document;
      if (engine === 'mongodb') {
        const stages = stagesOf(planner.winningPlan as Document);
        expect({ where, stages }).toEqual({
          where,
          stages: expect.not.arrayContaining(['COLLSCAN']),
        });
      } else {
        const nodes = pgNodesOf(planner.Plan as Document);
        expect({ where, nodes, scans: nodes.some((node) => /Index Scan \(/.test(node)) }).toEqual({
          where,
          nodes: expect.not.arrayContaining(['Seq Scan']),
          scans: true,
        });
      }
    }
  });

  it('the feed page walks the _id index in order instead of sorting every candidate', async () => {
    if ((await engineOf()) !== 'ferretdb-documentdb') return;
    // The last tier (everyone not boosted or ELITE): the walk that grows with the data.
    const page = captured.find(
      (q) =>
        q.collection === 'users' &&
        'emailVerified' in q.filter &&
        (q.filter.$nor as unknown[] | undefined)?.length === 2,
    );
    const explain = await t.connection
      .db!.collection('users')
      .find(page!.filter, { sort: { _id: 1 }, limit: 5, hint: { _id: 1 } })
      .explain('queryPlanner');
    const nodes = pgNodesOf((explain.queryPlanner as Document).Plan as Document);
    expect(nodes).toEqual(['Limit', 'Index Scan (_id_)']);
  });

  it('a history window is an index range scan of `historyKey` alone', async () => {
    const engine = await engineOf();
    if (engine === 'ferretdb-sqlite') return;
    // A window below the first: bounded above and below.
    const window = captured.find((q) => {
      const range = q.filter.historyKey as Document | undefined;
      return q.collection === 'messages' && range?.$gte && range.$lt;
    });
    expect(window?.options).toMatchObject({ sort: { historyKey: -1 }, hint: { historyKey: 1 } });
    const explain = await t.connection
      .db!.collection('messages')
      .find(window!.filter, {
        sort: { historyKey: -1 },
        limit: window!.options.limit as number,
        hint: { historyKey: 1 },
      })
      .explain('queryPlanner');
    const planner = explain.queryPlanner as Document;
    if (engine === 'mongodb') {
      const stages = stagesOf(planner.winningPlan as Document);
      expect(stages).toContain('IXSCAN');
      expect(stages).not.toContain('COLLSCAN');
      expect(stages).not.toContain('SORT');
      return;
    }
    const nodes = pgNodesOf(planner.Plan as Document);
    expect(nodes).toContain('Index Scan (historyKey_1)');
    expect(nodes).not.toContain('Seq Scan');
  });
});

/** Enough users and connections for cost-based planners to prefer indexes over scans. */
/** Other users' blocks and reports, so a planner has a reason to pick the indexes. */
async function seedBlocksAndReports(t: TestApp, count: number) {
  const now = Date.now();
  await t.connection.collection('blocks').insertMany(
    Array.from({ length: count }, (_, i) => ({
      blockerId: new Types.ObjectId(),
      blockedId: new Types.ObjectId(),
      createdAt: new Date(now - i * 1000),
    })),
  );
  await t.connection.collection('reports').insertMany(
    Array.from({ length: count }, (_, i) => {
      const [reporterId, targetId] = [new Types.ObjectId(), new Types.ObjectId()];
      return {
        reporterId,
        targetId,
        reason: 'spam',
        details: null,
        status: 'open',
        openKey: `${reporterId.toHexString()}_${targetId.toHexString()}`,
        createdAt: new Date(now - i * 1000),
      };
    }),
  );
}

/** Other users' sessions and reset links, so a planner has a reason to pick the indexes. */
async function seedSessionsAndResets(t: TestApp, count: number) {
  const now = Date.now();
  await t.connection.collection('sessions').insertMany(
    Array.from({ length: count }, (_, i) => ({
      userId: new Types.ObjectId(),
      generation: 0,
      tokenHash: `seed${i}`,
      previousTokenHash: null,
      issuedAt: new Date(now),
      expiresAt: new Date(now + 86_400_000),
      revokedAt: null,
      revokedReason: null,
      createdAt: new Date(now),
      updatedAt: new Date(now),
    })),
  );
  await t.connection.collection('password_resets').insertMany(
    Array.from({ length: count }, (_, i) => ({
      userId: new Types.ObjectId(),
      tokenHash: `seed${i}`,
      expiresAt: new Date(now + 1_800_000),
      usedAt: null,
      createdAt: new Date(now),
    })),
  );
}

async function seedBulk(t: TestApp, count: number) {
  const now = Date.now();
  const users = Array.from({ length: count }, (_, i) => ({
    _id: new Types.ObjectId(),
    firstName: `Bulk${letters(i)}`,
    emailId: `bulk${i}@plans.test`,
    password: 'x',
    about: 'bulk',
    skills: ['Go'],
    skillsKey: ['go'],
    githubUsername: null,
    // A few ELITE members and running boosts, so the feed's priority tiers have rows.
    membershipType: i % 100 === 1 ? 'ELITE' : 'FREE',
    billingCycle: i % 100 === 1 ? 'MONTHLY' : null,
    membershipExpiry: i % 100 === 1 ? new Date(now + 86_400_000) : null,
    ...(i % 100 === 1 ? { feedPriorityUntil: new Date(now + 86_400_000) } : {}),
    ...(i % 200 === 3
      ? { boostedAt: new Date(now - 60_000), boostedUntil: new Date(now + 60_000) }
      : {}),
    onboardingComplete: i % 10 !== 0,
    emailVerified: true,
    createdAt: new Date(now),
    updatedAt: new Date(now),
  }));
  await t.connection.collection('users').insertMany(users);
  const statuses = ['interested', 'ignored', 'accepted', 'rejected'];
  const connections = users.slice(1).map((user, i) => {
    const [from, to] = [users[i]._id, user._id];
    return {
      pairKey: [String(from), String(to)].sort().join('_'),
      fromUserId: from,
      toUserId: to,
      status: statuses[i % 4],
      createdAt: new Date(now - i * 1000),
      updatedAt: new Date(now - i * 1000),
    };
  });
  await t.connection.collection('connectionmodels').insertMany(connections);
}

/** Bulk chats (one message each) and one conversation of the viewer, shaped as chat.schema.ts says. */
async function seedChats(t: TestApp, viewerId: string, otherId: string, count: number) {
  const now = Date.now();
  const users = await t.connection
    .collection('users')
    .find({ emailId: /@plans\.test$/ }, { projection: { _id: 1 } })
    .limit(count + 1)
    .toArray();
  const chats: Document[] = [];
  const messages: Document[] = [];
  const addChat = (a: Types.ObjectId, b: Types.ObjectId, length: number) => {
    const participants = [a, b].sort((x, y) => x.toHexString().localeCompare(y.toHexString()));
    const chatId = new Types.ObjectId();
    let last: Document | null = null;
    for (let i = 0; i < length; i++) {
      const _id = new Types.ObjectId();
      last = {
        _id,
        chatId,
        senderId: a,
        text: `m${i}`,
        clientMessageId: _id.toHexString(),
        createdAt: new Date(now + i),
        historyKey: chatId.toHexString() + _id.toHexString(),
      };
      messages.push(last);
    }
    chats.push({
      _id: chatId,
      pairKey: participants.map((p) => p.toHexString()).join('_'),
      participants,
      lastMessage: last && {
        messageId: last._id,
        senderId: a,
        text: last.text,
        createdAt: last.createdAt,
      },
      lastMessageAt: last?.createdAt ?? null,
      unread: { [a.toHexString()]: 0, [b.toHexString()]: 1 },
      lastReadAt: { [a.toHexString()]: null, [b.toHexString()]: null },
      // A day before its messages: history of a chat of unknown size is then read in windows.
      createdAt: new Date(now - 86_400_000),
      updatedAt: new Date(now),
    });
  };
  for (let i = 0; i + 1 < users.length; i++) addChat(users[i]._id, users[i + 1]._id, 1);
  addChat(new Types.ObjectId(otherId), new Types.ObjectId(viewerId), 30);
  await t.connection.collection('chats').insertMany(chats);
  await t.connection.collection('messages').insertMany(messages);
}
