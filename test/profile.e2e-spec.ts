import request from 'supertest';
import { signUpAndLogIn, UserSession } from './support/session';
import { createTestApp, TestApp } from './support/test-app';
import SKILLS from '../src/modules/skills/skills.json';

describe('Profile and skills', () => {
  let t: TestApp;
  let me: UserSession;
  let other: UserSession;

  beforeAll(async () => {
    t = await createTestApp();
    me = await signUpAndLogIn(t, { firstName: 'Kiran' });
    other = await signUpAndLogIn(t, { firstName: 'Laila' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('GET /profile returns the self view with defaults and no secrets', async () => {
    const res = await me.get('/profile').expect(200);
    expect(res.body.message).toBe('Profile retrieved successfully');
    expect(Object.keys(res.body.data).sort()).toEqual(
      [
        '_id',
        'about',
        'billingCycle',
        'createdAt',
        'emailId',
        'emailVerified',
        'firstName',
        'githubUsername',
        'lastName',
        'membershipExpiry',
        'membershipType',
        'onboardingComplete',
        'skills',
        'updatedAt',
      ].sort(),
    );
    expect(res.body.data).toMatchObject({
      about: '', // no default text (contract §2.1); nothing is stored until the user writes one
      skills: [],
      githubUsername: null,
      membershipType: 'FREE',
      billingCycle: null,
      membershipExpiry: null,
    });
    expect(res.body.data.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('PATCH /profile/edit accepts {} and returns the unchanged user', async () => {
    const before = (await me.get('/profile')).body.data;
    const res = await me.patch('/profile/edit', {}).expect(200);
    expect(res.body.message).toBe('Profile updated successfully');
    expect({ ...res.body.data, updatedAt: undefined }).toEqual({ ...before, updatedAt: undefined });
  });

  it('PATCH /profile/edit saves the SPA form and "" clears photoUrl and githubUsername', async () => {
    const form = {
      firstName: '  Kiran  ',
      lastName: 'Kumar',
      about: 'Backend developer',
      photoUrl: 'https://example.com/k.jpg',
      skills: ['React', ' Node.js '],
      age: 30,
      gender: 'others',
      githubUsername: '  kiran-k ',
    };
    const saved = await me.patch('/profile/edit', form).expect(200);
    expect(saved.body.data).toMatchObject({
      firstName: 'Kiran',
      photoUrl: 'https://example.com/k.jpg',
      skills: ['React', ' Node.js '],
      age: 30,
      gender: 'others',
      githubUsername: 'kiran-k',
    });
    const cleared = await me
      .patch('/profile/edit', { ...form, photoUrl: '', githubUsername: '' })
      .expect(200);
    expect(cleared.body.data).not.toHaveProperty('photoUrl');
    expect(cleared.body.data.githubUsername).toBeNull();
    const stored = await t.connection.collection('users').findOne({ emailId: me.user.emailId });
    expect(stored).not.toHaveProperty('photoUrl');
  });

  it.each([
    ['unknown field', { emailId: 'x@y.co' }, 'Invalid update fields', 'VALIDATION_FAILED'],
    [
      'membership self-upgrade',
      { membershipType: 'ELITE' },
      'Invalid update fields',
      'VALIDATION_FAILED',
    ],
    ['bad gender', { gender: 'robot' }, 'Invalid gender', 'VALIDATION_FAILED'],
    ['age as string', { age: '30' }, 'Invalid age', 'VALIDATION_FAILED'],
    ['age too low', { age: 17 }, 'Invalid age', 'VALIDATION_FAILED'],
    ['age too high', { age: 101 }, 'Invalid age', 'VALIDATION_FAILED'],
    ['age not integer', { age: 30.5 }, 'Invalid age', 'VALIDATION_FAILED'],
    ['empty first name', { firstName: '' }, 'firstName cannot be empty', 'VALIDATION_FAILED'],
    [
      'long first name',
      { firstName: 'A'.repeat(51) },
      'firstName must be at most 50 characters',
      'VALIDATION_FAILED',
    ],
    ['first name as number', { firstName: 123 }, 'firstName must be a string', 'VALIDATION_FAILED'],
    [
      'too many skills',
      { skills: Array.from({ length: 11 }, (_, i) => `Skill${i}`) },
      'You can add at most 10 skills',
      'VALIDATION_FAILED',
    ],
    [
      '1-char skill',
      { skills: ['C'] },
      'Each skill must be at least 2 characters',
      'VALIDATION_FAILED',
    ],
    [
      'duplicate skills',
      { skills: ['React', ' react '] },
      'Duplicate skill: react',
      'VALIDATION_FAILED',
    ],
    [
      'skill not a string',
      { skills: ['Go', 5] },
      'Each skill must be a string',
      'VALIDATION_FAILED',
    ],
    [
      'skills not an array',
      { skills: 'React' },
      'skills must be an array of strings',
      'VALIDATION_FAILED',
    ],
    [
      'about too long',
      { about: 'x'.repeat(501) },
      'about must be at most 500 characters',
      'VALIDATION_FAILED',
    ],
    [
      'bad photo URL',
      { photoUrl: 'not a url' },
      'photoUrl must be a valid URL',
      'VALIDATION_FAILED',
    ],
    [
      'javascript photo URL',
      { photoUrl: 'javascript:alert(1)' },
      'photoUrl must be a valid URL',
      'VALIDATION_FAILED',
    ],
    [
      'operator',
      { about: { $set: 'x' } },
      'Field names may not start with "$" (got "$set")',
      'INPUT_OPERATOR_KEY',
    ],
    ['null about', { about: null }, 'about must be a string', 'VALIDATION_FAILED'],
    ['null skills', { skills: null }, 'skills must be an array of strings', 'VALIDATION_FAILED'],
    ['null first name', { firstName: null }, 'firstName must be a string', 'VALIDATION_FAILED'],
  ])('PATCH /profile/edit: %s → 400, nothing saved', async (_name, body, message, code) => {
    const before = await t.connection.collection('users').findOne({ emailId: me.user.emailId });
    const res = await me.patch('/profile/edit', body).expect(400);
    expect(res.body).toEqual({ success: false, message, code });
    const after = await t.connection.collection('users').findOne({ emailId: me.user.emailId });
    expect(after).toEqual(before);
  });

  it('GET /profile/:userId returns only the public view', async () => {
    const res = await me.get(`/profile/${other.id}`).expect(200);
    expect(res.body.message).toBe('User profile retrieved successfully');
    expect(Object.keys(res.body.data).sort()).toEqual(
      [
        '_id',
        'about',
        'firstName',
        'githubUsername',
        'lastName',
        'membershipType',
        'skills',
      ].sort(),
    );
    expect(res.body.data.firstName).toBe('Laila');
    await me.get(`/profile/${me.id}`).expect(200);
  });

  it.each([
    ['/profile/edit', 400, 'Invalid userId', 'INVALID_ID'],
    ['/profile/not-an-id', 400, 'Invalid userId', 'INVALID_ID'],
    ['/profile/665f1c2e9b1e8a3d4c5b6a7', 400, 'Invalid userId', 'INVALID_ID'],
    ['/profile/665f1c2e9b1e8a3d4c5b6a70', 404, 'User not found', 'USER_NOT_FOUND'],
  ])('GET %s → %i', async (path, status, message, code) => {
    const res = await me.get(path).expect(status);
    expect(res.body).toEqual({ success: false, message, code });
  });

  it('POST /profile/onboarding/complete is idempotent and needs no body', async () => {
    const first = await other.post('/profile/onboarding/complete').expect(200);
    expect(first.body).toMatchObject({
      message: 'Onboarding completed successfully',
      data: { onboardingComplete: true },
    });
    await other.post('/profile/onboarding/complete').expect(200);
  });

  it('an expired membership reads as FREE', async () => {
    await t.connection.collection('users').updateOne(
      { emailId: other.user.emailId },
      {
        $set: {
          membershipType: 'PRO',
          billingCycle: 'MONTHLY',
          membershipExpiry: new Date(Date.now() - 1000),
        },
      },
    );
    const self = await other.get('/profile').expect(200);
    expect(self.body.data).toMatchObject({
      membershipType: 'FREE',
      billingCycle: null,
      membershipExpiry: null,
    });
    expect((await me.get(`/profile/${other.id}`)).body.data.membershipType).toBe('FREE');
  });

  it('every profile route needs the access cookie', async () => {
    for (const [method, path] of [
      ['get', '/profile'],
      ['patch', '/profile/edit'],
      ['patch', '/profile/password'],
      ['get', `/profile/${other.id}`],
      ['post', '/profile/onboarding/complete'],
      ['get', '/skills'],
    ] as const) {
      const res = await request(t.server)[method](path).expect(401);
      expect(res.body).toEqual({
        success: false,
        message: 'Authentication Required',
        code: 'AUTH_REQUIRED',
      });
    }
  });

  it('GET /skills returns the 21 predefined skills in order', async () => {
    const res = await me.get('/skills').expect(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Skills retrieved successfully',
      data: SKILLS,
    });
    expect(res.body.data).toHaveLength(21);
    expect(res.body.data.slice(0, 3)).toEqual(['React', 'Node.js', 'TypeScript']);
  });
});
