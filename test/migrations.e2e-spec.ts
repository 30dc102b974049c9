import type { Db } from 'mongodb';
import { Types } from 'mongoose';
import { MigrationRunner } from '../src/modules/migrations/migration-runner';
import type { Migration } from '../src/modules/migrations/migration';
import { MIGRATIONS } from '../src/modules/migrations/migrations';
import { chatsSplitMessages } from '../src/modules/migrations/scripts/2026-11-28-chats-split-messages';
import { usersFeedPriority } from '../src/modules/migrations/scripts/2026-11-28-users-feed-priority';
import { usersDropDefaultAbout } from '../src/modules/migrations/scripts/2026-11-28-users-drop-default-about';
import { usersSkillsKey } from '../src/modules/migrations/scripts/2026-11-28-users-skillskey';
import { messagesHistoryKey } from '../src/modules/migrations/scripts/2026-12-04-messages-history-key';
import { spawnEntry } from './support/spawn';
import { createTestApp, TestApp, testEnvironment, uniqueNamespace } from './support/test-app';

/** A legacy user as the original system stored it: no `skillsKey`. */
function legacyUser(skills: unknown) {
  return {
    _id: new Types.ObjectId(),
    firstName: 'Legacy',
    emailId: `legacy-${new Types.ObjectId().toHexString()}@example.com`,
    password: 'x',
    skills,
    emailVerified: true,
    onboardingComplete: true,
  };
}

describe('Data migrations (npm run migrate)', () => {
  let t: TestApp;
  let db: Db;
  const legacyDatabases: Db[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    db = t.connection.db as unknown as Db;
  });

  afterAll(async () => {
    for (const legacy of legacyDatabases) await legacy.dropDatabase();
    await t.close();
  });

  beforeEach(async () => {
    await db.collection('migrations').deleteMany({});
    await db.collection('users').deleteMany({});
  });

  const runner = (migrations: readonly Migration[] = MIGRATIONS) =>
    new MigrationRunner(t.connection, migrations);

  it('derives skillsKey for legacy users only, once, even with two runners at the same time', async () => {
    const legacy = [legacyUser([' Go', 'React ']), legacyUser(undefined), legacyUser(['Rust', 3])];
    const current = { ...legacyUser(['Go']), skillsKey: ['kept'] };
    await db.collection('users').insertMany([...legacy, current]);

    const [first, second] = await Promise.all([runner().runPending(), runner().runPending()]);
    const outcomes = [first[0].outcome, second[0].outcome].sort();
    expect(outcomes).toEqual([
      'applied',
      expect.stringMatching(/^(already-applied|applied-by-another-runner)$/),
    ]);

    const users = await db
      .collection('users')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    const keyOf = (id: Types.ObjectId) => users.find((u) => u._id.equals(id))?.skillsKey;
    expect(keyOf(legacy[0]._id)).toEqual(['go', 'react']);
    expect(keyOf(legacy[1]._id)).toEqual([]);
    expect(keyOf(legacy[2]._id)).toEqual(['rust']);
    expect(keyOf(current._id)).toEqual(['kept']);

    const records = await db
      .collection('migrations')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(records).toEqual([
      expect.objectContaining({
        _id: chatsSplitMessages.id,
        state: 'done',
        result: expect.objectContaining({ changed: 0 }),
      }),
      expect.objectContaining({ _id: usersDropDefaultAbout.id, state: 'done' }),
      expect.objectContaining({ _id: usersFeedPriority.id, state: 'done' }),
      expect.objectContaining({ _id: usersSkillsKey.id, state: 'done', result: { changed: 3 } }),
      expect.objectContaining({ _id: messagesHistoryKey.id, state: 'done' }),
    ]);
  });

  it('a second run applies nothing', async () => {
    await db.collection('users').insertOne(legacyUser(['Go']));
    expect((await runner().runPending())[0]).toMatchObject({ outcome: 'applied' });
    await db.collection('users').insertOne(legacyUser(['Elm']));
    expect((await runner().runPending()).map((o) => o.outcome)).toEqual(
      MIGRATIONS.map(() => 'already-applied'),
    );
    expect(await db.collection('users').countDocuments({ skillsKey: { $exists: false } })).toBe(1);
  });

  it('takes over a migration whose runner died (lease lapsed), and waits for a live one', async () => {
    await db.collection('users').insertOne(legacyUser(['Go']));
    await db.collection<{ _id: string }>('migrations').insertOne({
      _id: usersSkillsKey.id,
      state: 'running',
      owner: 'a-runner-that-died',
      leaseUntil: new Date(Date.now() - 1000),
    } as never);
    expect((await runner().runPending())[0]).toMatchObject({
      outcome: 'applied',
      result: { changed: 1 },
    });

    const held: Migration = { id: 'held', description: 'held by a live runner', up: jest.fn() };
    await db.collection<{ _id: string }>('migrations').insertOne({
      _id: 'held',
      state: 'running',
      owner: 'a-live-runner',
      leaseUntil: new Date(Date.now() + 60_000),
    } as never);
    await expect(runner([held]).runPending(600)).rejects.toThrow(
      /Timed out waiting for migration held/,
    );
    expect(held.up).not.toHaveBeenCalled();
  });

  it('drops the original placeholder about text and keeps real ones', async () => {
    const placeholder = { ...legacyUser(['Go']), about: 'This is the default about section.' };
    const written = { ...legacyUser(['Go']), about: 'I build compilers.' };
    await db.collection('users').insertMany([placeholder, written]);
    const outcomes = await runner().runPending();
    expect(outcomes.find((o) => o.id === usersDropDefaultAbout.id)).toMatchObject({
      outcome: 'applied',
      result: { changed: 1 },
    });
    const about = async (id: Types.ObjectId) =>
      (await db.collection('users').findOne({ _id: id }))?.about as unknown;
    expect(await about(placeholder._id)).toBeUndefined();
    expect(await about(written._id)).toBe('I build compilers.');
  });

  it('gives ELITE members granted before the priority tier their feedPriorityUntil, once', async () => {
    const expiry = new Date('2027-01-31T10:00:00.000Z');
    const elite = { ...legacyUser(['Go']), membershipType: 'ELITE', membershipExpiry: expiry };
    const kept = {
      ...legacyUser(['Go']),
      membershipType: 'ELITE',
      membershipExpiry: expiry,
      feedPriorityUntil: new Date('2027-05-01'),
    };
    const pro = { ...legacyUser(['Go']), membershipType: 'PRO', membershipExpiry: expiry };
    const free = { ...legacyUser(['Go']), membershipType: 'FREE', membershipExpiry: null };
    await db.collection('users').insertMany([elite, kept, pro, free]);
    const outcomes = await runner().runPending();
    expect(outcomes.find((o) => o.id === usersFeedPriority.id)).toMatchObject({
      outcome: 'applied',
      result: { changed: 1 },
    });
    const priority = async (id: Types.ObjectId) =>
      (await db.collection('users').findOne({ _id: id }))?.feedPriorityUntil as unknown;
    expect(await priority(elite._id)).toEqual(expiry);
    expect(await priority(kept._id)).toEqual(new Date('2027-05-01'));
    expect(await priority(pro._id)).toBeUndefined();
    expect(await priority(free._id)).toBeUndefined();
    expect(await usersFeedPriority.up(db)).toEqual({ changed: 0 });
  });

  it('a failing migration is not recorded as done and stops the run', async () => {
    const failing: Migration = {
      id: 'failing',
      description: 'throws',
      up: () => Promise.reject(new Error('boom')),
    };
    const after: Migration = { id: 'after', description: 'never reached', up: jest.fn() };
    await expect(runner([failing, after]).runPending()).rejects.toThrow('boom');
    expect(after.up).not.toHaveBeenCalled();
    const record = await db.collection<{ _id: string }>('migrations').findOne({ _id: 'failing' });
    expect(record).toMatchObject({ state: 'running' });
  });

  it('the API refuses to boot on data of the original system before `npm run migrate`, and says so', async () => {
    const namespace = uniqueNamespace('legacy');
    const legacyDb = t.connection.getClient().db(`devlink_${namespace}`);
    legacyDatabases.push(legacyDb);
    // Two chats as the original stored them: no pair key, so the unique index cannot be built.
    const [a, b, c] = [0, 1, 2].map(() => new Types.ObjectId());
    await legacyDb.collection('chats').insertMany([
      { participants: [a, b], messages: [], createdAt: new Date(), updatedAt: new Date() },
      { participants: [a, c], messages: [], createdAt: new Date(), updatedAt: new Date() },
    ]);
    const api = spawnEntry('src/main.ts', testEnvironment(namespace, { PORT: '0' }));
    const { code } = await api.exited;
    expect(code).toBe(1);
    expect(api.output()).toContain('Index creation failed for model Chat');
    expect(api.output()).toContain(
      `${MIGRATIONS.length} data migration(s) have not been applied to this database`,
    );
    expect(api.output()).toContain('run `npm run migrate`, then start the API again');
  }, 60_000);

  it('the migrate entry point applies the migrations and exits 0', async () => {
    await db.collection('users').insertOne(legacyUser(['Go']));
    const migrate = spawnEntry(
      'src/main.migrate.ts',
      testEnvironment(t.namespace, { LOG_LEVEL: 'info' }),
    );
    const { code } = await migrate.exited;
    expect({ code, output: migrate.output() }).toMatchObject({ code: 0 });
    expect(migrate.output()).toContain('Migrations done');
    expect(await db.collection('users').countDocuments({ skillsKey: ['go'] })).toBe(1);
  }, 60_000);
});
