import { normaliseTemplate, routeLabel, UNMATCHED_ROUTE } from './route-label';

describe('routeLabel', () => {
  it.each([
    [{ route: { path: '/user/feed' } }, '/user/feed'],
    [{ route: { path: '/chat/:targetUserId' }, baseUrl: '' }, '/chat/:targetUserId'],
    [
      { route: { path: '/api/queues/:queueName/:jobId/retry' }, baseUrl: '/admin/queues' },
      '/admin/queues/api/queues/:queueName/:jobId/retry',
    ],
    [{ route: { path: '/' }, baseUrl: '/admin/queues' }, '/admin/queues'],
    [{ route: { path: ['/', '/queue/:queueName'] }, baseUrl: '/admin/queues' }, '/admin/queues/*'],
  ])('labels a matched route by its template: %j → %s', (req, label) => {
    expect(routeLabel(req)).toBe(label);
  });

  it('labels a request that matched no route with one fixed value', () => {
    expect(routeLabel({})).toBe(UNMATCHED_ROUTE);
    expect(routeLabel({ baseUrl: '' })).toBe(UNMATCHED_ROUTE);
    expect(routeLabel({ route: {} })).toBe(UNMATCHED_ROUTE);
    expect(routeLabel({ route: { path: ['/a'] } })).toBe(UNMATCHED_ROUTE);
    // Nest's module middleware is routed as `/{*path}`: the last route Express saw.
    expect(routeLabel({ route: { path: '/{*path}' }, baseUrl: '' })).toBe(UNMATCHED_ROUTE);
  });
});

describe('normaliseTemplate', () => {
  it.each([
    ['/profile/665f1c2e9b1e8a0012345678', '/profile/:value'],
    ['/payment/status/123456', '/payment/status/:value'],
    ['/x/3f2504e0-4f89-41d3-9a0c-0305e82c3301/y', '/x/:value/y'],
    ['/token/abcdefABCDEF0123456789_-abcdefABCDEF', '/token/:value'],
    ['/user/feed/', '/user/feed'],
    ['//user//feed', '/user/feed'],
    ['user/feed', '/user/feed'],
    ['/', '/'],
  ])('never lets a value through: %s → %s', (template, label) => {
    expect(normaliseTemplate(template)).toBe(label);
  });

  it('keeps templates and names as they are', () => {
    expect(normaliseTemplate('/request/review/:status/:requestId')).toBe(
      '/request/review/:status/:requestId',
    );
    expect(normaliseTemplate('/user/requests/received')).toBe('/user/requests/received');
  });

  it('bounds the label length', () => {
    expect(normaliseTemplate(`/${'a'.repeat(300)}`).length).toBeLessThanOrEqual(121);
  });
});
