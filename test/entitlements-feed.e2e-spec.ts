import { Types } from 'mongoose';
import { FEED_ERRORS } from '../src/modules/feed/feed.errors';
import { givePlan } from './support/plans';
import { signUpAndLogIn, type UserSession } from './support/session';
import { createTestApp, type TestApp } from './support/test-app';

describe('Skill filter on the feed (PRO/ELITE only)', () => {
  let t: TestApp;
  let goDev: string;

  beforeAll(async () => {
    t = await createTestApp();
    const _id = new Types.ObjectId();
    await t.connection.collection('users').insertOne({
      _id,
      firstName: 'Gopher',
      emailId: `${_id.toHexString()}@example.com`,
      password: 'x',
      skills: ['Go'],
      skillsKey: ['go'],
      emailVerified: true,
      onboardingComplete: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    goDev = _id.toHexString();
  });

  afterAll(async () => {
    await t.close();
  });

  const ids = (res: { body: { data: { items: { _id: string }[] } } }) =>
    res.body.data.items.map((u) => u._id);

  async function viewer(plan: 'FREE' | 'PRO' | 'ELITE'): Promise<UserSession> {
    const session = await signUpAndLogIn(t);
    if (plan !== 'FREE') await givePlan(t, session.id, plan);
    return session;
  }

  it('FREE: skills= → 403 with the upgrade message; the feed without a filter still works', async () => {
    const me = await viewer('FREE');
    const res = await me.get('/user/feed?skills=Go').expect(403);
    expect(res.body).toEqual({
      success: false,
      message: FEED_ERRORS.skillFilterNotInPlan.message,
      code: 'FEED_SKILL_FILTER_NOT_IN_PLAN',
    });
    expect(res.body.message).toMatch(/Upgrade/);
    await me.get('/user/feed?skills=go&skills=rust').expect(403);
    expect(ids(await me.get('/user/feed?limit=50').expect(200))).toContain(goDev);
    expect(ids(await me.get('/user/feed?limit=50&skills=').expect(200))).toContain(goDev); // empty = no filter
  });

  it.each(['PRO', 'ELITE'] as const)('%s: skills= filters the feed', async (plan) => {
    const me = await viewer(plan);
    expect(ids(await me.get('/user/feed?limit=50&skills=GO').expect(200))).toEqual([goDev]);
  });
});
