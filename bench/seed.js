'use strict';
// The one benchmark data set, written straight into the database in bulk (the API would need
// minutes for it). Every scenario seeds through `seed()`:
// - `count` users ({prefix}{i}@bench.test, all with PASSWORD, one bcrypt hash shared by all) with
//   predefined skills; every 10th has not finished onboarding, every 20th is unverified;
// - ~5 random interactions per user (all four statuses), and for the viewer ({prefix}0) 300 more in
//   every status and both directions;
// - the viewer's chats: a conversation of `conversation` messages with {prefix}1, one of
//   `smallConversation` (100) with {prefix}2 (the short history that the long one is read against)
//   and `chats - 1` more of 5 messages with {prefix}3…, every partner an accepted connection.
//   Chats carry `messageCount` as the API keeps it (`counts: false`: absent, as on a chat from
//   before it was kept).
// The viewer and {prefix}1 are PRO (monthly, expiring in a year): the feed's skills filter is a paid
// entitlement and FREE users have 10 swipes a day. Indexes are the API's own (created at boot).
// Seed into an empty database and start the API afterwards: the indexes are then built once over
// the loaded data, instead of updated on every insert (10,000 users on DocumentDB: 2.6 s of inserts
// plus index builds, against 54 s with the API's indexes in place). After the boot,
// harness.analyzeDatabase() gives the planner statistics of the loaded tables.
// `mintSessions()` gives users sessions without logging them in (login is bcrypt-bound: ~30 ms of
// CPU each): session documents plus access JWTs signed like TokenService's.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const bcrypt = require('bcrypt');
const { ObjectId } = require('mongodb');
const { ROOT } = require('../scripts/services');

const SKILLS = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/modules/skills/skills.json'), 'utf8'));
const DAY = 86_400_000;
const PASSWORD = 'Str0ng!pass';
const VIEWER_EMAIL = 'user0@bench.test';
const BATCH = 1000;
const IN_FLIGHT = 4;
const STATUSES = ['interested', 'ignored', 'accepted', 'rejected'];

let passwordHash;
/** bcrypt of PASSWORD, computed once per process: per-user hashing would dominate seeding. */
async function sharedPasswordHash() {
  passwordHash ??= await bcrypt.hash(PASSWORD, 10);
  return passwordHash;
}

const pairKey = (a, b) => [String(a), String(b)].sort().join('_');

/**
 * One batch, retried after a transient failure (under a loaded machine FerretDB has answered
 * "unexpected EOF" and its PostgreSQL has gone through crash recovery, "not yet accepting
 * connections", for several seconds); documents a failed attempt did insert come back as
 * duplicate keys, ignored.
 */
async function insertBatch(collection, batch) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await collection.insertMany(batch, { ordered: false });
    } catch (error) {
      const writeErrors = error.writeErrors ?? [];
      if (writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000) && attempt > 1) return undefined;
      if (attempt >= 6) throw new Error(`insertMany into ${collection.collectionName} failed ${attempt} times: ${error.message}`);
      process.stderr.write(`[seed] insertMany into ${collection.collectionName} failed (${error.message}); retrying\n`);
      await new Promise((r) => setTimeout(r, Math.min(2 ** attempt, 15) * 1000)); // room for PostgreSQL crash recovery
    }
  }
}

/**
 * Inserts `docs` in unordered batches, `inFlight` batches at a time. Several in flight only pay
 * without secondary indexes: concurrent bulk inserts into one collection with unique indexes
 * (exclusion constraints on DocumentDB) have left FerretDB answering "unexpected EOF" and two
 * PostgreSQL backends spinning for minutes on this machine.
 */
async function insertAll(collection, docs, inFlight = 1) {
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const start = next;
      next += BATCH;
      await insertBatch(collection, docs.slice(start, start + BATCH));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Whether `collection` has an index besides `_id` (then insert one batch at a time). */
async function hasSecondaryIndexes(collection) {
  const indexes = await collection.listIndexes().toArray().catch(() => []); // no collection yet: none
  return indexes.some((index) => index.name !== '_id_');
}

/**
 * A fresh ObjectId carrying `date`'s second, as the API gives a message stored at that time
 * (a conversation seeded at once would otherwise have every id in the same second).
 */
function idAt(date) {
  const bytes = new ObjectId().id;
  bytes.writeUInt32BE(Math.floor(date.getTime() / 1000), 0);
  return new ObjectId(bytes);
}

/**
 * A chat between x and y with `count` messages (alternating senders, oldest first) and its summary
 * (with `messageCount` when `counted`).
 */
function conversation(x, y, count, now, counted) {
  const chatId = new ObjectId();
  const participants = [x, y].sort((p, q) => String(p).localeCompare(String(q)));
  const messages = Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(now - (count - i) * 1000);
    const _id = idAt(createdAt); // increasing: history is ordered by _id
    return {
      _id,
      chatId,
      senderId: i % 2 ? y : x,
      text: `message ${i} of ${count}`,
      clientMessageId: _id.toHexString(),
      createdAt,
      historyKey: chatId.toHexString() + _id.toHexString(), // as MessagesRepository stores it
    };
  });
  const last = messages.at(-1);
  const chat = {
    _id: chatId,
    pairKey: pairKey(x, y),
    participants,
    lastMessage: last ? { messageId: last._id, senderId: last.senderId, text: last.text, createdAt: last.createdAt } : null,
    lastMessageAt: last ? last.createdAt : null,
    unread: { [String(x)]: 0, [String(y)]: 0 },
    lastReadAt: { [String(x)]: null, [String(y)]: null },
    ...(counted && { messageCount: count }),
    createdAt: new Date(now - count * 1000),
    updatedAt: new Date(now),
    __v: 0,
  };
  return { chat, messages };
}

/**
 * Seeds the data set described above into database `db`.
 * @param {import('mongodb').MongoClient} client
 * @param {string} db
 * @param {number} count users (at least chats + 2)
 * @param {{ prefix?: string, conversation?: number, smallConversation?: number, chats?: number,
 *   counts?: boolean, inFlight?: number }} [options]
 *   inFlight: batches in flight per collection; by default IN_FLIGHT into a database without
 *   secondary indexes (seeded before the API's first boot), else one.
 * @returns {Promise<{ ids: import('mongodb').ObjectId[], viewer: import('mongodb').ObjectId,
 *   partner: import('mongodb').ObjectId, smallPartner: import('mongodb').ObjectId,
 *   emails: (i: number) => string, connections: number,
 *   messages: number, conversation: number, seconds: number, phases: Record<string, number> }>}
 */
async function seed(
  client,
  db,
  count,
  { prefix = 'user', conversation: length = 10_000, smallConversation = 100, chats = 50, counts = true, inFlight } = {},
) {
  if (count < chats + 2) throw new Error(`seed: ${count} users cannot hold ${chats} chats`);
  const started = Date.now();
  const phases = {};
  let phaseStart = started;
  const phase = (name) => {
    const now = Date.now();
    phases[name] = (now - phaseStart) / 1000;
    phaseStart = now;
  };
  const database = client.db(db);
  const indexed = await hasSecondaryIndexes(database.collection('connectionmodels'));
  const parallel = inFlight ?? (indexed ? 1 : IN_FLIGHT);
  const password = await sharedPasswordHash();
  const now = Date.now();
  const email = (i) => `${prefix}${i}@bench.test`;
  const ids = Array.from({ length: count }, () => new ObjectId());
  const paid = (i) => i <= 1;
  const chatPartners = Array.from({ length: chats + 1 }, (_, i) => i + 1); // 1 (long conversation), 2…chats+1
  const users = ids.map((_id, i) => {
    const skills = [SKILLS[i % SKILLS.length], SKILLS[(i * 7) % SKILLS.length]].filter((s, j, a) => a.indexOf(s) === j);
    const partner = i <= chats + 1; // viewer and chat partners are complete accounts
    return {
      _id,
      firstName: `User${i}`,
      lastName: 'Bench',
      emailId: email(i),
      password,
      about: `Developer number ${i}.`,
      skills,
      skillsKey: skills.map((s) => s.toLowerCase()),
      githubUsername: null,
      membershipType: paid(i) ? 'PRO' : 'FREE',
      billingCycle: paid(i) ? 'MONTHLY' : null,
      membershipExpiry: paid(i) ? new Date(now + 365 * DAY) : null,
      onboardingComplete: partner || i % 10 !== 9,
      emailVerified: partner || i % 20 !== 19,
      createdAt: new Date(now - i * 1000),
      updatedAt: new Date(now - i * 1000),
      __v: 0,
    };
  });
  phase('generate users');
  await insertAll(database.collection('users'), users, parallel);
  phase('insert users');

  const seen = new Set();
  const connections = [];
  const link = (a, b, status, createdAt) => {
    const key = pairKey(a, b);
    if (a.equals(b) || seen.has(key)) return;
    seen.add(key);
    connections.push({ pairKey: key, fromUserId: a, toUserId: b, status, createdAt, updatedAt: createdAt, __v: 0 });
  };
  for (const i of chatPartners) link(ids[i], ids[0], 'accepted', new Date(now - 30 * DAY));
  // The viewer has interacted with 300 more users (all statuses, both directions).
  for (let i = 1; i <= 300; i++) {
    const other = ids[(i * 31) % count];
    const [from, to] = i % 2 ? [ids[0], other] : [other, ids[0]];
    link(from, to, STATUSES[i % 4], new Date(now - (i % 60) * DAY));
  }
  // Everyone else with ~5 others.
  for (let i = 0; i < count * 5; i++) {
    link(ids[crypto.randomInt(count)], ids[crypto.randomInt(count)], STATUSES[i % 4], new Date(now - crypto.randomInt(60) * DAY));
  }
  const chatDocs = [];
  const messages = [];
  for (const i of chatPartners) {
    const size = i === 1 ? length : i === 2 ? smallConversation : 5;
    const { chat, messages: list } = conversation(ids[0], ids[i], size, now - i * 60_000, counts);
    chatDocs.push(chat);
    messages.push(...list);
  }
  phase('generate connections and chats');
  // One collection at a time: more concurrent bulk inserts only contend on a small machine.
  await insertAll(database.collection('connectionmodels'), connections, parallel);
  phase('insert connections');
  await insertAll(database.collection('messages'), messages, parallel);
  await database.collection('chats').insertMany(chatDocs);
  phase('insert chats');
  return {
    ids,
    viewer: ids[0],
    partner: ids[1],
    smallPartner: chats >= 1 ? ids[2] : null,
    emails: email,
    connections: connections.length,
    messages: messages.length,
    conversation: length,
    seconds: (Date.now() - started) / 1000,
    phases,
  };
}

const base64url = (value) => Buffer.from(value).toString('base64url');

/** An HS256 access JWT with TokenService's claims ({ userId, sid }), valid for `ttlSeconds`. */
function accessToken(secret, userId, sessionId, ttlSeconds = 3600) {
  const iat = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ userId: String(userId), sid: String(sessionId), iat, exp: iat + ttlSeconds }));
  const signature = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * A live session per user (documents as SessionsService writes them) and a Cookie header for each,
 * as after a login. `accessSecret` is the API's ACCESS_TOKEN_SECRET_KEY.
 * @returns {Promise<string[]>} `accessToken=…` cookie headers, in the order of `userIds`
 */
async function mintSessions(client, db, userIds, accessSecret) {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const sessions = userIds.map((userId) => ({
    _id: new ObjectId(),
    userId,
    generation: 0,
    tokenHash: crypto.randomBytes(32).toString('hex'), // no refresh token: the bench never refreshes
    previousTokenHash: null,
    issuedAt: now,
    rotatedAt: null,
    expiresAt: new Date(now.getTime() + 7 * DAY),
    revokedAt: null,
    revokedReason: null,
    userAgent: 'devlink-bench',
    createdAt: now,
    updatedAt: now,
    __v: 0,
  }));
  await insertAll(client.db(db).collection('sessions'), sessions);
  return sessions.map((s) => `accessToken=${accessToken(accessSecret, s.userId, s._id)}`);
}

/** Logs a user in (one X-Forwarded-For address per call when the API trusts a proxy hop); returns the Cookie header. */
async function loginCookie(base, emailId = VIEWER_EMAIL, ip = '10.255.0.1') {
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ emailId, password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login ${emailId} answered ${login.status}`);
  return login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** Logs the viewer in; returns the session cookies as a Cookie header (`name=value; …`). */
const viewerCookie = (base) => loginCookie(base);

module.exports = { seed, mintSessions, loginCookie, viewerCookie, sharedPasswordHash, PASSWORD, VIEWER_EMAIL, DAY };
