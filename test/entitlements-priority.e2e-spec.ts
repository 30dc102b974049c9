import { Types } from 'mongoose';
import { ChatService } from '../src/modules/chat/chat.service';
import { UserCache } from '../src/modules/users/user.cache';
import { UsersRepository } from '../src/modules/users/users.repository';
import { givePlan } from './support/plans';
import { connectUsers, signUpAndLogIn, type UserSession } from './support/session';
import { createTestApp, type TestApp } from './support/test-app';

type Plan = 'FREE' | 'PRO' | 'ELITE';
const PLANS: Plan[] = ['FREE', 'PRO', 'ELITE'];

async function onboardEveryone(t: TestApp) {
  await t.connection
    .collection('users')
    .updateMany({}, { $set: { onboardingComplete: true, emailVerified: true } });
}

/** Every page by number (the SPA's way), `limit` at a time, until an empty page. */
async function walkByPage(viewer: UserSession, limit: number, query = ''): Promise<string[]> {
  const served: string[] = [];
  for (let page = 1; page < 50; page++) {
    const res = await viewer.get(`/user/feed?page=${page}&limit=${limit}${query}`).expect(200);
    const ids = (res.body.data.items as { _id: string }[]).map((u) => u._id);
    if (ids.length === 0) break;
    served.push(...ids);
  }
  return served;
}

describe('Feed priority (ELITE first) and the ELITE profile boost', () => {
  let t: TestApp;
  let users: Record<string, UserSession>;
  const byId = (...names: string[]) => names.map((n) => users[n].id).sort();

  beforeAll(async () => {
    t = await createTestApp();
    users = {};
    // Created in this order, so `_id` order is the creation order within each tier.
    for (const name of ['free1', 'elite1', 'pro1', 'expired', 'free2', 'elite2', 'booster']) {
      users[name] = await signUpAndLogIn(t, { firstName: name.replace(/\d/g, '') });
    }
    await givePlan(t, users.elite1.id, 'ELITE');
    await givePlan(t, users.elite2.id, 'ELITE');
    await givePlan(t, users.booster.id, 'ELITE');
    await givePlan(t, users.pro1.id, 'PRO');
    // An ELITE plan that ended yesterday reads FREE everywhere: no priority.
    await t.connection.collection('users').updateOne(
      { _id: new Types.ObjectId(users.expired.id) },
      {
        $set: {
          membershipType: 'ELITE',
          billingCycle: 'MONTHLY',
          membershipExpiry: new Date(Date.now() - 86_400_000),
        },
      },
    );
    await t.app.get(UserCache).invalidate(users.expired.id); // written behind the cache's back
    await onboardEveryone(t);
  });

  afterAll(async () => {
    await t.close();
  });

  /** A viewer who never completes onboarding, so is never a feed candidate for the others. */
  async function viewerOn(plan: Plan): Promise<UserSession> {
    const viewer = await signUpAndLogIn(t, { firstName: 'Viewer' });
    if (plan !== 'FREE') await givePlan(t, viewer.id, plan);
    return viewer;
  }

  const others = (names: string[], viewer: UserSession) =>
    names.map((n) => users[n].id).filter((id) => id !== viewer.id);

  it.each(PLANS)(
    'a %s viewer sees active ELITE members first, then everyone, each in id order',
    async (plan) => {
      const viewer = await viewerOn(plan);
      const served = await walkByPage(viewer, 2);
      const candidates = others(Object.keys(users), viewer);
      const elite = byId('elite1', 'elite2', 'booster');
      expect(served.slice(0, 3)).toEqual(elite);
      const rest = served.slice(3).filter((id) => candidates.includes(id));
      expect(rest).toEqual(byId('free1', 'pro1', 'expired', 'free2'));
      expect(new Set(served).size).toBe(served.length);
    },
  );

  it('paging by page stays stable while tiers change mid-walk: nobody twice, the new order on page 1', async () => {
    const users_ = t.connection.collection('users');
    const elite2 = new Types.ObjectId(users.elite2.id);
    // elite2's plan ends soon: in force when this walk starts, over soon after. A machine too
    // slow to serve page 1 before the end starts the walk again with a longer plan.
    const viewer = await viewerOn('FREE');
    let ends = new Date();
    let page1: string[] = [];
    for (let window = 2000; ends.getTime() <= Date.now(); window *= 2) {
      ends = new Date(Date.now() + window);
      await users_.updateOne(
        { _id: elite2 },
        { $set: { membershipExpiry: ends, feedPriorityUntil: ends } },
      );
      const first = await viewer.get('/user/feed?page=1&limit=2').expect(200);
      page1 = (first.body.data.items as { _id: string }[]).map((u) => u._id);
    }
    expect(page1).toEqual(byId('elite1', 'elite2', 'booster').slice(0, 2));

    // Mid-walk: elite2's plan lapses and the hourly job writes the downgrade; free2 buys ELITE.
    await new Promise((resolve) => setTimeout(resolve, ends.getTime() - Date.now() + 50));
    expect(
      await t.app.get(UsersRepository).downgradeExpired(new Date(), 100),
    ).toBeGreaterThanOrEqual(1);
    expect((await users_.findOne({ _id: elite2 }))?.membershipType).toBe('FREE');
    await givePlan(t, users.free2.id, 'ELITE');

    const rest: string[] = [];
    for (let page = 2; page < 20; page++) {
      const res = await viewer.get(`/user/feed?page=${page}&limit=2`).expect(200);
      const ids = (res.body.data.items as { _id: string }[]).map((u) => u._id);
      if (ids.length === 0) break;
      rest.push(...ids);
    }
    const served = [...page1, ...rest];
    expect(new Set(served).size).toBe(served.length); // elite2 not served again as "everyone"
    // free2 moved ahead of the walk's position (into the ELITE tier) after the walk began: the one
    // documented skip, served on the next page=1.
    const expectedNow = others(Object.keys(users), viewer).filter((id) => id !== users.free2.id);
    expect(served.sort()).toEqual(expectedNow.sort());

    const restart = await walkByPage(viewer, 10);
    expect(restart.slice(0, 3)).toEqual(byId('elite1', 'booster', 'free2'));
    expect(restart).toContain(users.elite2.id);

    // restore the cast for the tests below
    await givePlan(t, users.elite2.id, 'ELITE');
    await users_.updateOne(
      { _id: new Types.ObjectId(users.free2.id) },
      {
        $set: { membershipType: 'FREE', billingCycle: null, membershipExpiry: null },
        $unset: { feedPriorityUntil: 1 },
      },
    );
  });

  it('the cursor (nextCursor) walks the same order as page numbers', async () => {
    const viewer = await viewerOn('PRO');
    const byPage = await walkByPage(viewer, 3);
    const byCursor: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await viewer
        .get(`/user/feed?limit=3${cursor ? `&after=${cursor}` : ''}`)
        .expect(200);
      byCursor.push(...(res.body.data.items as { _id: string }[]).map((u) => u._id));
      cursor = res.body.data.pagination.nextCursor as string | null;
    } while (cursor);
    expect(byCursor).toEqual(byPage);
  });

  it.each(['FREE', 'PRO'] as const)(
    '%s cannot boost: 403 with the upgrade message',
    async (plan) => {
      const user = await viewerOn(plan);
      const res = await user.post('/profile/boost').expect(403);
      expect(res.body).toMatchObject({
        success: false,
        message: 'Profile boost is an ELITE feature. Upgrade to ELITE to boost your profile',
        code: 'PROFILE_BOOST_NOT_IN_PLAN',
      });
      const stored = await t.connection
        .collection('users')
        .findOne({ _id: new Types.ObjectId(user.id) });
      expect(stored?.boostedAt).toBeUndefined();
    },
  );

  it('an expired ELITE plan cannot boost either', async () => {
    await users.expired.post('/profile/boost').expect(403);
  });

  it('ELITE boosts once per 7 days (concurrent requests start one), and the boosted profile leads every new feed', async () => {
    const before = Date.now();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => users.booster.post('/profile/boost')),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 429, 429, 429, 429]);
    const ok = results.find((r) => r.status === 200)!;
    const { boostedAt, boostedUntil, nextBoostAt } = ok.body.data as Record<string, string>;
    expect(Date.parse(boostedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(boostedUntil) - Date.parse(boostedAt)).toBe(30 * 60_000);
    expect(Date.parse(nextBoostAt) - Date.parse(boostedAt)).toBe(7 * 86_400_000);

    const refused = results.find((r) => r.status === 429)!;
    expect(refused.body).toMatchObject({
      success: false,
      message: `You can boost your profile once every 7 days; your next boost is available at ${nextBoostAt}`,
      code: 'PROFILE_BOOST_COOLING_DOWN',
      nextBoostAt,
    });
    expect(refused.body.retryAfter).toBeGreaterThan(7 * 24 * 60 - 5);

    const stored = await t.connection
      .collection('users')
      .findOne({ _id: new Types.ObjectId(users.booster.id) });
    expect(stored?.boostedAt?.toISOString()).toBe(boostedAt);

    for (const plan of PLANS) {
      const viewer = await viewerOn(plan);
      const res = await viewer.get('/user/feed?page=1&limit=3').expect(200);
      const ids = (res.body.data.items as { _id: string }[]).map((u) => u._id);
      expect(ids).toEqual([users.booster.id, ...byId('elite1', 'elite2')]);
    }
  });

  it('after the boost ends the profile is back among ELITE members; after 7 days it can boost again', async () => {
    const id = new Types.ObjectId(users.booster.id);
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    await t.connection.collection('users').updateOne(
      { _id: id },
      {
        $set: {
          boostedAt: eightDaysAgo,
          boostedUntil: new Date(eightDaysAgo.getTime() + 1_800_000),
        },
      },
    );
    const viewer = await viewerOn('FREE');
    const res = await viewer.get('/user/feed?page=1&limit=3').expect(200);
    expect((res.body.data.items as { _id: string }[]).map((u) => u._id)).toEqual(
      byId('elite1', 'elite2', 'booster'),
    );
    await users.booster.post('/profile/boost').expect(200);
  });
});

describe("GET /payment/status: today's swipes", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('FREE: limit 10, used and remaining move with each swipe; PRO/ELITE: unlimited', async () => {
    const free = await signUpAndLogIn(t);
    const targets = await Promise.all([1, 2, 3].map(() => signUpAndLogIn(t)));
    await onboardEveryone(t);
    const fresh = await free.get('/payment/status').expect(200);
    expect(fresh.body.data.swipesToday).toMatchObject({ limit: 10, used: 0, remaining: 10 });
    expect(Date.parse(fresh.body.data.swipesToday.resetsAt)).toBeGreaterThan(Date.now());
    await free.post(`/request/send/interested/${targets[0].id}`).expect(200);
    await free.post(`/request/send/ignored/${targets[1].id}`).expect(200);
    await free.post(`/request/send/interested/${targets[0].id}`).expect(400); // refused: not counted
    const after = await free.get('/payment/status').expect(200);
    expect(after.body.data.swipesToday).toMatchObject({ limit: 10, used: 2, remaining: 8 });

    for (const plan of ['PRO', 'ELITE'] as const) {
      const paid = await signUpAndLogIn(t);
      await givePlan(t, paid.id, plan);
      await paid.post(`/request/send/interested/${targets[2].id}`).expect(200);
      const res = await paid.get('/payment/status').expect(200);
      expect(res.body.data.swipesToday).toMatchObject({ limit: null, used: 0, remaining: null });
    }
  });
});

describe('Received requests ("see who liked you") stay open to every plan', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each(PLANS)('a %s user sees and accepts the requests sent to them', async (plan) => {
    const user = await signUpAndLogIn(t);
    const admirer = await signUpAndLogIn(t);
    if (plan !== 'FREE') await givePlan(t, user.id, plan);
    await onboardEveryone(t);
    const sent = await admirer.post(`/request/send/interested/${user.id}`).expect(200);
    const received = await user.get('/user/requests/received').expect(200);
    expect((received.body.data as { _id: string }[]).map((r) => r._id)).toEqual([
      sent.body.data._id,
    ]);
    await user.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
    const plans = await user.get('/payment/plans').expect(200);
    const row = (
      plans.body.data as { membershipType: string; entitlements: { receivedRequests: boolean } }[]
    ).find((p) => p.membershipType === plan);
    expect(row?.entitlements.receivedRequests).toBe(true);
  });
});

describe('Chat: read receipts in history (PRO/ELITE) and the badge in chat views (ELITE)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  type HistoryMessage = {
    senderId: { _id: string; verifiedBadge?: boolean };
    readAt?: string | null;
  };

  it.each(PLANS)(
    'a %s sender: readAt on own messages only for paid plans, null until read',
    async (plan) => {
      const sender = await signUpAndLogIn(t, { firstName: 'Sender' });
      const reader = await signUpAndLogIn(t, { firstName: 'Reader' });
      if (plan !== 'FREE') await givePlan(t, sender.id, plan);
      await onboardEveryone(t);
      await connectUsers(sender, reader);
      const chat = t.app.get(ChatService);
      const [s, r] = [new Types.ObjectId(sender.id), new Types.ObjectId(reader.id)];
      await chat.send(s, r, 'first');
      await chat.send(r, s, 'reply');

      const unread = await sender.get(`/chat/${reader.id}`).expect(200);
      const mine = (messages: HistoryMessage[]) =>
        messages.filter((m) => m.senderId._id === sender.id);
      const theirs = (messages: HistoryMessage[]) =>
        messages.filter((m) => m.senderId._id !== sender.id);
      if (plan === 'FREE') {
        expect(mine(unread.body.data.messages).every((m) => !('readAt' in m))).toBe(true);
      } else {
        expect(mine(unread.body.data.messages).map((m) => m.readAt)).toEqual([null]);
      }
      expect(theirs(unread.body.data.messages).every((m) => !('readAt' in m))).toBe(true);

      const read = await reader.post(`/chat/${sender.id}/read`).expect(200);
      await chat.send(s, r, 'after the read');
      const later = await sender.get(`/chat/${reader.id}`).expect(200);
      if (plan === 'FREE') {
        expect(mine(later.body.data.messages).every((m) => !('readAt' in m))).toBe(true);
      } else {
        expect(mine(later.body.data.messages).map((m) => m.readAt)).toEqual([
          read.body.data.readAt,
          null,
        ]);
      }
      // The reader's own view never shows receipts for the sender's messages.
      const readerView = await reader.get(`/chat/${sender.id}`).expect(200);
      expect(
        (readerView.body.data.messages as HistoryMessage[])
          .filter((m) => m.senderId._id === sender.id)
          .every((m) => !('readAt' in m)),
      ).toBe(true);
    },
  );

  it.each(PLANS)(
    'a %s participant: verifiedBadge in history senders and recent chats only for ELITE',
    async (plan) => {
      const subject = await signUpAndLogIn(t, { firstName: 'Subject' });
      const friend = await signUpAndLogIn(t, { firstName: 'Friend' });
      if (plan !== 'FREE') await givePlan(t, subject.id, plan);
      await onboardEveryone(t);
      await connectUsers(subject, friend);
      await t.app
        .get(ChatService)
        .send(new Types.ObjectId(subject.id), new Types.ObjectId(friend.id), 'hello');
      const expected = plan === 'ELITE' ? true : undefined;

      const history = await friend.get(`/chat/${subject.id}`).expect(200);
      const message = (history.body.data.messages as HistoryMessage[])[0];
      expect(message.senderId._id).toBe(subject.id);
      expect(message.senderId.verifiedBadge).toBe(expected);

      const recent = await friend.get('/chat/recent').expect(200);
      const row = (recent.body.data as { userId: string; verifiedBadge?: boolean }[]).find(
        (c) => c.userId === subject.id,
      );
      expect(row).toBeDefined();
      expect(row?.verifiedBadge).toBe(expected);
    },
  );
});
