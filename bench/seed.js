'use strict';
// The benchmark data set, written straight into the database (the API would need minutes for it):
// USERS users with predefined skills, ~5 random connections each, and a viewer (user0) with 300
// interactions in every status and both directions. Indexes are the API's own (created at boot),
// so start the API before seeding.
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

/**
 * Seeds `count` users (user{i}@bench.test, all with PASSWORD) and their connections into `db`.
 * @returns {Promise<{ ids: import('mongodb').ObjectId[], connections: number, seconds: number }>}
 */
async function seed(client, db, count) {
  const started = Date.now();
  // Hashed once: every user shares it, and bcrypt per user would dominate the seeding time.
  const password = await bcrypt.hash(PASSWORD, 10);
  const now = Date.now();
  const ids = Array.from({ length: count }, () => new ObjectId());
  const users = ids.map((_id, i) => {
    const skills = [SKILLS[i % SKILLS.length], SKILLS[(i * 7) % SKILLS.length]].filter((s, j, a) => a.indexOf(s) === j);
    return {
      _id,
      firstName: `User${i}`,
      lastName: 'Bench',
      emailId: `user${i}@bench.test`,
      password,
      about: `Developer number ${i}.`,
      skills,
      skillsKey: skills.map((s) => s.toLowerCase()),
      githubUsername: null,
      // The viewer (user0) is ELITE: the benchmarks use the skill filter, a paid entitlement.
      membershipType: i === 0 ? 'ELITE' : 'FREE',
      billingCycle: i === 0 ? 'YEARLY' : null,
      membershipExpiry: i === 0 ? new Date(now + 365 * DAY) : null,
      onboardingComplete: i % 10 !== 9,
      emailVerified: i % 20 !== 19,
      createdAt: new Date(now - i * 1000),
      updatedAt: new Date(now - i * 1000),
      __v: 0,
    };
  });
  for (let i = 0; i < users.length; i += 1000) await client.db(db).collection('users').insertMany(users.slice(i, i + 1000));
  // Each user has interacted with ~5 others; the viewer (user0) with 300 (all statuses, both directions).
  const statuses = ['interested', 'ignored', 'accepted', 'rejected'];
  const seen = new Set();
  const connections = [];
  const link = (a, b, status, createdAt) => {
    const pairKey = [String(a), String(b)].sort().join('_');
    if (a.equals(b) || seen.has(pairKey)) return;
    seen.add(pairKey);
    connections.push({ pairKey, fromUserId: a, toUserId: b, status, createdAt, updatedAt: createdAt, __v: 0 });
  };
  for (let i = 1; i <= 300; i++) {
    const other = ids[(i * 31) % count];
    const [from, to] = i % 2 ? [ids[0], other] : [other, ids[0]];
    link(from, to, statuses[i % 4], new Date(now - (i % 60) * DAY));
  }
  for (let i = 0; i < count * 5; i++) {
    link(ids[crypto.randomInt(count)], ids[crypto.randomInt(count)], statuses[i % 4], new Date(now - crypto.randomInt(60) * DAY));
  }
  for (let i = 0; i < connections.length; i += 1000) {
    await client.db(db).collection('connectionmodels').insertMany(connections.slice(i, i + 1000));
  }
  return { ids, connections: connections.length, seconds: (Date.now() - started) / 1000 };
}

/** Logs the viewer in; returns the session cookies as a Cookie header (`name=value; …`). */
async function viewerCookie(base) {
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ emailId: VIEWER_EMAIL, password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

module.exports = { seed, viewerCookie, PASSWORD, VIEWER_EMAIL, DAY };
