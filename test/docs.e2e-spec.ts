import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: unknown; security?: unknown[]; responses: Record<string, unknown> }
    >
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

describe('Swagger documents every route with its DTOs', () => {
  let t: TestApp;
  let spec: OpenApi;

  beforeAll(async () => {
    t = await createTestApp();
    spec = (await request(t.server).get('/docs-json').expect(200)).body as OpenApi;
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['post', '/auth/signup'],
    ['post', '/auth/login'],
    ['post', '/auth/logout'],
    ['post', '/auth/refresh'],
    ['get', '/auth/verify-email'],
    ['post', '/auth/resend-verification'],
    ['get', '/profile'],
    ['patch', '/profile/edit'],
    ['patch', '/profile/password'],
    ['get', '/profile/{userId}'],
    ['post', '/profile/onboarding/complete'],
    ['get', '/skills'],
    ['get', '/user/feed'],
    ['get', '/user/connections'],
    ['get', '/user/requests/received'],
    ['get', '/user/requests/sent'],
    ['post', '/request/send/{status}/{toUserId}'],
    ['post', '/request/review/{status}/{requestId}'],
    ['delete', '/request/withdraw/{requestId}'],
    ['delete', '/request/connection/{userId}'],
    ['get', '/health'],
    ['get', '/health/ready'],
  ])('%s %s', (method, path) => {
    expect(spec.paths[path]?.[method]).toBeDefined();
  });

  it('request bodies reference their DTO schemas with the fields', () => {
    expect(Object.keys(spec.components.schemas.SignupDto.properties ?? {}).sort()).toEqual([
      'emailId',
      'firstName',
      'lastName',
      'password',
    ]);
    expect(Object.keys(spec.components.schemas.EditProfileDto.properties ?? {})).toEqual(
      expect.arrayContaining(['photoUrl', 'skills', 'age', 'gender', 'githubUsername']),
    );
    expect(spec.paths['/auth/login'].post.requestBody).toBeDefined();
  });

  it('protected routes declare cookie auth; auth routes do not', () => {
    expect(spec.paths['/profile'].get.security).toEqual([{ accessToken: [] }]);
    expect(spec.paths['/skills'].get.security).toEqual([{ accessToken: [] }]);
    expect(spec.paths['/auth/login'].post.security).toBeUndefined();
  });
});
