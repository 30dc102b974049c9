import request from 'supertest';
import { signUpAndLogIn, UserSession } from './support/session';
import { createTestApp, TestApp } from './support/test-app';

/** Authorization, races and bad inputs for the request and list routes. */
describe('Requests: rules, races and bad inputs', () => {
  let t: TestApp;
  let a: UserSession;
  let b: UserSession;
  let c: UserSession;
  const missingId = '665f1c2e9b1e8a3d4c5b6a70';

  beforeAll(async () => {
    t = await createTestApp();
    [a, b, c] = [await signUpAndLogIn(t), await signUpAndLogIn(t), await signUpAndLogIn(t)];
  });

  afterAll(async () => {
    await t.close();
  });

  it('two concurrent sends A→B and B→A leave exactly one document', async () => {
    const x = await signUpAndLogIn(t);
    const y = await signUpAndLogIn(t);
    const results = await Promise.all([
      x.post(`/request/send/interested/${y.id}`),
      y.post(`/request/send/interested/${x.id}`),
      x.post(`/request/send/interested/${y.id}`),
      y.post(`/request/send/ignored/${x.id}`),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const res of results.filter((r) => r.status !== 200)) {
      expect([400, 409]).toContain(res.status);
      expect(res.body.message).toMatch(
        /^(request already exist|A request between you and this user was just created; reload to see it)$/,
      );
    }
    const pairKey = [x.id, y.id].sort().join('_');
    expect(await t.connection.collection('connectionmodels').countDocuments({ pairKey })).toBe(1);
  });

  it('only the receiver reviews, only the sender withdraws, only participants remove', async () => {
    const sent = await a.post(`/request/send/interested/${b.id}`).expect(200);
    const id = sent.body.data._id as string;

    const byStranger = await c.post(`/request/review/accepted/${id}`).expect(403);
    expect(byStranger.body).toEqual({
      success: false,
      message: 'Only the receiver can review this request',
      code: 'REQUEST_REVIEW_NOT_RECEIVER',
    });
    const bySender = await a.post(`/request/review/accepted/${id}`).expect(403);
    expect(bySender.body.message).toBe('Only the receiver can review this request');
    const withdrawByReceiver = await b.delete(`/request/withdraw/${id}`).expect(403);
    expect(withdrawByReceiver.body.message).toBe('Only the sender can withdraw this request');

    const withdrawn = await a.delete(`/request/withdraw/${id}`).expect(200);
    expect(withdrawn.body).toEqual({ success: true, message: 'Request withdrawn' });
    const gone = await b.post(`/request/review/accepted/${id}`).expect(404);
    expect(gone.body.message).toBe('Request not found or already reviewed');
    await a.delete(`/request/withdraw/${id}`).expect(404);

    const again = await a.post(`/request/send/interested/${b.id}`).expect(200);
    await b.post(`/request/review/accepted/${again.body.data._id}`).expect(200);
    const reviewTwice = await b.post(`/request/review/rejected/${again.body.data._id}`).expect(404);
    expect(reviewTwice.body.message).toBe('Request not found or already reviewed');
    await a.delete(`/request/withdraw/${again.body.data._id}`).expect(404); // accepted, no longer pending

    const notMine = await c.delete(`/request/connection/${a.id}`).expect(404);
    expect(notMine.body).toEqual({
      success: false,
      message: 'Connection not found',
      code: 'CONNECTION_NOT_FOUND',
    });
    const removed = await b.delete(`/request/connection/${a.id}`).expect(200);
    expect(removed.body).toEqual({ success: true, message: 'Connection removed' });
    expect((await a.get('/user/connections').expect(200)).body.data).toEqual([]);
    await a.delete(`/request/connection/${b.id}`).expect(404);
    // Both are eligible for each other's feed again.
    await t.connection.collection('users').updateMany({}, { $set: { onboardingComplete: true } });
    const feed = await a.get('/user/feed?limit=50').expect(200);
    expect(feed.body.data.items.map((u: { _id: string }) => u._id)).toContain(b.id);
  });

  it.each([
    [
      'post',
      '/request/send/Interested/ID',
      400,
      'Invalid Status Type: Interested',
      'REQUEST_INVALID_SEND_STATUS',
    ],
    [
      'post',
      '/request/send/accepted/ID',
      400,
      'Invalid Status Type: accepted',
      'REQUEST_INVALID_SEND_STATUS',
    ],
    ['post', '/request/send/interested/not-an-id', 400, 'Invalid userId', 'INVALID_ID'],
    ['post', `/request/send/interested/${missingId}`, 404, 'User not found', 'USER_NOT_FOUND'],
    [
      'post',
      '/request/review/interested/ID',
      400,
      'Invalid Request Status: interested',
      'REQUEST_INVALID_REVIEW_STATUS',
    ],
    ['post', '/request/review/accepted/123', 400, 'Invalid requestId', 'INVALID_ID'],
    [
      'post',
      `/request/review/accepted/${missingId}`,
      404,
      'Request not found or already reviewed',
      'REQUEST_NOT_FOUND',
    ],
    ['delete', '/request/withdraw/xyz', 400, 'Invalid requestId', 'INVALID_ID'],
    [
      'delete',
      `/request/withdraw/${missingId}`,
      404,
      'Request not found or already reviewed',
      'REQUEST_NOT_FOUND',
    ],
    ['delete', '/request/connection/xyz', 400, 'Invalid userId', 'INVALID_ID'],
    ['get', '/user/feed?page=0', 400, 'page must be at least 1', 'VALIDATION_FAILED'],
    ['get', '/user/feed?page=-1', 400, 'page must be at least 1', 'VALIDATION_FAILED'],
    [
      'get',
      '/user/feed?skills=Go&page=922337203685477581',
      400,
      'page must be at most 100000',
      'VALIDATION_FAILED',
    ],
    ['get', '/user/feed?page=1e21', 400, 'page must be at most 100000', 'VALIDATION_FAILED'],
    [
      'get',
      '/user/requests/received?page=100001',
      400,
      'page must be at most 100000',
      'VALIDATION_FAILED',
    ],
    ['get', '/user/feed?limit=51', 400, 'limit must be at most 50', 'VALIDATION_FAILED'],
    ['get', '/user/feed?limit=abc', 400, 'limit must be an integer', 'VALIDATION_FAILED'],
    ['get', '/user/feed?page=1&page=2', 400, 'page must be an integer', 'VALIDATION_FAILED'],
    [
      'get',
      '/user/feed?page[$gt]=1',
      400,
      'Field names may not start with "$" (got "page[$gt]")',
      'INPUT_OPERATOR_KEY',
    ],
    [
      'get',
      '/user/feed?after=zzz',
      400,
      'after must be a feed cursor (pagination.nextCursor)',
      'VALIDATION_FAILED',
    ],
    ['get', '/user/feed?sort=name', 400, 'property sort should not exist', 'VALIDATION_FAILED'],
    [
      'get',
      '/user/requests/received?limit=101',
      400,
      'limit must be at most 100',
      'VALIDATION_FAILED',
    ],
    ['get', '/user/connections?page=x', 400, 'page must be an integer', 'VALIDATION_FAILED'],
  ])('%s %s → %i', async (method, rawPath, status, message, code) => {
    const path = rawPath.replace('ID', b.id);
    const res = await (
      method === 'get' ? a.get(path) : method === 'post' ? a.post(path) : a.delete(path)
    ).expect(status);
    expect(res.body).toEqual({ success: false, message, code });
  });

  it('sending to yourself is refused', async () => {
    const res = await a.post(`/request/send/interested/${a.id}`).expect(400);
    expect(res.body.message).toBe('sending request to yourself is not allowed');
  });

  it('every social route needs the access cookie', async () => {
    for (const [method, path] of [
      ['get', '/user/feed'],
      ['get', '/user/connections'],
      ['get', '/user/requests/received'],
      ['get', '/user/requests/sent'],
      ['post', `/request/send/interested/${b.id}`],
      ['post', `/request/review/accepted/${missingId}`],
      ['delete', `/request/withdraw/${missingId}`],
      ['delete', `/request/connection/${b.id}`],
    ] as const) {
      const res = await request(t.server)[method](path).expect(401);
      expect(res.body.message).toBe('Authentication Required');
    }
  });
});
