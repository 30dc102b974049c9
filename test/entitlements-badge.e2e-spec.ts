import { givePlan } from './support/plans';
import { signUpAndLogIn, type UserSession } from './support/session';
import { createTestApp, type TestApp } from './support/test-app';

describe('Verified badge (ELITE only) in public views', () => {
  let t: TestApp;
  let viewer: UserSession;
  const subjects: Record<'FREE' | 'PRO' | 'ELITE', UserSession> = {} as never;

  beforeAll(async () => {
    t = await createTestApp();
    viewer = await signUpAndLogIn(t, { firstName: 'Viewer' });
    for (const plan of ['FREE', 'PRO', 'ELITE'] as const) {
      const s = await signUpAndLogIn(t, { firstName: plan });
      if (plan !== 'FREE') await givePlan(t, s.id, plan);
      subjects[plan] = s;
    }
    await t.connection
      .collection('users')
      .updateMany({}, { $set: { onboardingComplete: true, emailVerified: true } });
  });

  afterAll(async () => {
    await t.close();
  });

  const expected = (plan: string) => (plan === 'ELITE' ? true : undefined);

  it.each(['FREE', 'PRO', 'ELITE'] as const)(
    '%s: feed item, public profile, received request and connection',
    async (plan) => {
      const subject = subjects[plan];
      const feed = await viewer.get('/user/feed?limit=50').expect(200);
      const item = (feed.body.data.items as { _id: string; verifiedBadge?: boolean }[]).find(
        (u) => u._id === subject.id,
      );
      expect(item).toBeDefined();
      expect(item?.verifiedBadge).toBe(expected(plan));

      const profile = await viewer.get(`/profile/${subject.id}`).expect(200);
      expect(profile.body.data.verifiedBadge).toBe(expected(plan));

      const sent = await subject.post(`/request/send/interested/${viewer.id}`).expect(200);
      const received = await viewer.get('/user/requests/received').expect(200);
      const row = (
        received.body.data as {
          _id: string;
          fromUserId: { _id: string; verifiedBadge?: boolean };
        }[]
      ).find((r) => r._id === sent.body.data._id);
      expect(row?.fromUserId.verifiedBadge).toBe(expected(plan));

      await viewer.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
      const connections = await viewer.get('/user/connections').expect(200);
      const friend = (connections.body.data as { _id: string; verifiedBadge?: boolean }[]).find(
        (u) => u._id === subject.id,
      );
      expect(friend?.verifiedBadge).toBe(expected(plan));
    },
  );
});
