import request, { Response } from 'supertest';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import {
  randomClientIp,
  signUp,
  signUpAndLogIn,
  STRONG_PASSWORD,
  UserSession,
} from './support/session';
import { createTestApp, TestApp } from './support/test-app';

/** Sends Buffers as raw bytes (superagent would JSON-encode them under a JSON content type). */
const asIs = (bytes: unknown) => bytes as string;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Every refusal is the contract's envelope with one message and a request id. */
function expectRefusal(
  res: Response,
  status: number,
  code: string,
  message: string | RegExp,
): void {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status,
    body: {
      success: false,
      message: typeof message === 'string' ? message : expect.any(String),
      code,
    },
  });
  if (message instanceof RegExp) expect(res.body.message).toMatch(message);
  expect(res.headers['x-request-id']).toMatch(UUID_V4);
}

const SURROGATE_MESSAGE = (field: string) =>
  `${field} is not valid Unicode text (it contains an unpaired surrogate)`;
const TOO_LONG_PASSWORD = (field: string) =>
  `${field} must be at most 72 bytes (UTF-8): accented letters take 2 bytes and most emoji 4`;
const WEAK_PASSWORD = (field: string) =>
  `${field} is too weak: use at least 8 characters (at most 72 bytes) with a lowercase letter (a-z), an uppercase letter (A-Z), a digit (0-9) and a symbol such as ! @ # $ % & * ?`;
const UNSAFE_LINE = (field: string) =>
  `${field} must not contain control characters, line breaks or text-direction characters`;

/** Inputs that used to crash a request (500) or slip through, and the rules users trip over. */
describe('Bad input never 500s; names, passwords and defaults', () => {
  let t: TestApp;
  let me: UserSession;
  /** Password-change cases use their own user: a change that wrongly passed would end `me`. */
  let pw: UserSession;

  beforeAll(async () => {
    t = await createTestApp();
    me = await signUpAndLogIn(t, { firstName: 'Ines', lastName: 'Okafor' });
    pw = await signUpAndLogIn(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const post = (path: string) =>
    request(t.server).post(path).set('X-Forwarded-For', randomClientIp());
  const NAME_CHARACTERS = (field: string) =>
    `${field} may contain only letters, spaces, apostrophes, hyphens and periods`;

  const signupBody = (overrides: Record<string, unknown> = {}) => ({
    firstName: 'Meera',
    lastName: 'Nair',
    emailId: `meera.${Math.random().toString(36).slice(2)}@example.com`,
    password: STRONG_PASSWORD,
    ...overrides,
  });

  describe('compressed request bodies', () => {
    const json = JSON.stringify({ emailId: 'a@example.com', password: STRONG_PASSWORD });
    const encodings: [string, Buffer][] = [
      ['gzip', Buffer.from(json)], // claims gzip, is not
      ['deflate', Buffer.from('not deflate data')],
      ['br', Buffer.from([0xff, 0xff, 0xff])],
      ['gzip', gzipSync(json)], // valid compressed data is refused the same way
      ['deflate', deflateSync(json)],
      ['br', brotliCompressSync(json)],
      ['compress', Buffer.from(json)],
    ];

    it.each(encodings)('Content-Encoding %s on a public route → 415', async (encoding, bytes) => {
      const res = await post('/auth/login')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .serialize(asIs)
        .send(bytes);
      expectRefusal(
        res,
        415,
        'BODY_ENCODING_UNSUPPORTED',
        `Content-Encoding "${encoding}" is not supported; send the request body uncompressed`,
      );
    });

    it('is refused on signup, resend and protected routes too; identity is fine', async () => {
      for (const path of ['/auth/signup', '/auth/resend-verification']) {
        const res = await post(path)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'gzip')
          .serialize(asIs)
          .send(Buffer.from('{}'));
        expectRefusal(
          res,
          415,
          'BODY_ENCODING_UNSUPPORTED',
          /^Content-Encoding "gzip" is not supported/,
        );
      }
      const edit = await request(t.server)
        .patch('/profile/edit')
        .set('Cookie', me.cookieHeader())
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'deflate')
        .serialize(asIs)
        .send(Buffer.from('{"about":"x"}'));
      expectRefusal(
        edit,
        415,
        'BODY_ENCODING_UNSUPPORTED',
        /^Content-Encoding "deflate" is not supported/,
      );
      const id = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
      const echoed = await post('/auth/resend-verification')
        .set('x-request-id', id)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'br')
        .serialize(asIs)
        .send(Buffer.from('{}'));
      expect(echoed.headers['x-request-id']).toBe(id);
      await post('/auth/resend-verification')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'identity')
        .serialize(asIs)
        .send(Buffer.from('{}'))
        .expect(200);
    });

    it('an unsupported charset is a 415 envelope with a request id', async () => {
      const res = await post('/auth/login')
        .set('Content-Type', 'application/json; charset=klingon')
        .serialize(asIs)
        .send(Buffer.from(json));
      expectRefusal(
        res,
        415,
        'BODY_CHARSET_UNSUPPORTED',
        'Charset "klingon" is not supported; send the request body as UTF-8',
      );
    });
  });

  describe('deeply nested JSON', () => {
    const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const nestedObjects = (depth: number) => {
      let value = '1';
      for (let i = 0; i < depth; i++) value = `{"a":${value}}`;
      return value;
    };
    const DEEP = 'Request body is nested too deeply (at most 32 levels)';

    it('≈1,500 nested arrays (≈3 KB) in a login body → 400 before validation', async () => {
      const body = `{"emailId":${nestedArrays(1500)},"password":"x"}`;
      expect(body.length).toBeLessThan(3100);
      const res = await post('/auth/login').set('Content-Type', 'application/json').send(body);
      expectRefusal(res, 400, 'INPUT_NESTED_TOO_DEEP', DEEP);
    });

    it('8,000 nested objects in a signup body → 400', async () => {
      const res = await post('/auth/signup')
        .set('Content-Type', 'application/json')
        .send(`{"firstName":${nestedObjects(8000)}}`);
      expectRefusal(res, 400, 'INPUT_NESTED_TOO_DEEP', DEEP);
    });

    it('on a protected route, and at the top level (a bare nested array)', async () => {
      const edit = await request(t.server)
        .patch('/profile/edit')
        .set('Cookie', me.cookieHeader())
        .set('Content-Type', 'application/json')
        .send(`{"skills":${nestedArrays(2000)}}`);
      expectRefusal(edit, 400, 'INPUT_NESTED_TOO_DEEP', DEEP);
      const bare = await post('/auth/resend-verification')
        .set('Content-Type', 'application/json')
        .send(nestedArrays(5000));
      expectRefusal(bare, 400, 'INPUT_NESTED_TOO_DEEP', DEEP);
    });

    it('shallow nesting still reaches validation and gets its field message', async () => {
      const res = await post('/auth/login')
        .set('Content-Type', 'application/json')
        .send(`{"emailId":${nestedArrays(10)},"password":"x"}`);
      expectRefusal(res, 400, 'VALIDATION_FAILED', 'emailId must be a string');
    });
  });

  describe('a query string asked again (its parse is shared, frozen)', () => {
    const feed = (query: string) =>
      request(t.server).get(`/user/feed?${query}`).set('Cookie', me.cookieHeader());

    it('is answered as the first time: valid, refused, or naming a key validation deletes', async () => {
      const rounds: number[][] = [];
      for (let i = 0; i < 2; i++) {
        const valid = await feed('page=1&limit=3');
        expect(valid.status).toBe(200);
        expect(valid.body.data.pagination).toMatchObject({ currentPage: 1, limit: 3 });
        expectRefusal(await feed('page=1&limit=abc'), 400, 'VALIDATION_FAILED', /limit/);
        const statuses: number[] = [];
        for (const key of ['constructor', 'prototype', '__proto__']) {
          const res = await feed(`page=1&limit=3&${key}=x`);
          expect(res.body.success).toBe(res.status === 200);
          statuses.push(res.status);
        }
        rounds.push(statuses);
      }
      expect(rounds[1]).toEqual(rounds[0]);
      expect(rounds[0].every((status) => status === 200 || status === 400)).toBe(true);
    });
  });

  describe('strings that are not well-formed Unicode', () => {
    it('a lone surrogate in emailId at signup → 400 naming the field (was a URIError → 500)', async () => {
      const res = await post('/auth/signup').send(signupBody({ emailId: '\ud800x' }));
      expectRefusal(res, 400, 'INPUT_NOT_UNICODE', SURROGATE_MESSAGE('emailId'));
      expect(await t.connection.collection('users').countDocuments({ emailId: /x$/ })).toBe(0);
    });

    it.each([
      ['/auth/signup', 'firstName', signupBody({ firstName: 'Me\udc00ra' })],
      ['/auth/signup', 'lastName', signupBody({ lastName: '\ud83dNair' })],
      ['/auth/signup', 'password', signupBody({ password: `${STRONG_PASSWORD}\ud800` })],
      ['/auth/login', 'emailId', { emailId: 'a@exam\udfffple.com', password: 'x' }],
      ['/auth/login', 'password', { emailId: 'a@example.com', password: 'Str0ng!\ud800' }],
      ['/auth/resend-verification', 'emailId', { emailId: '\ud800@example.com' }],
    ])('%s %s → 400', async (path, field, body) => {
      const res = await post(path).send(body);
      expectRefusal(res, 400, 'INPUT_NOT_UNICODE', SURROGATE_MESSAGE(field));
    });

    it.each([
      ['firstName', { firstName: 'A\ud800' }],
      ['lastName', { lastName: '\udbff' }],
      ['about', { about: 'hello \ud800 world' }],
      ['photoUrl', { photoUrl: 'https://example.com/\ud800.jpg' }],
      ['githubUsername', { githubUsername: 'octo\udc00cat' }],
      ['skills[1]', { skills: ['Go', 'Rust\ud800'] }],
      ['gender', { gender: '\ud800' }],
    ])('PATCH /profile/edit %s → 400', async (field, body) => {
      const res = await me.patch('/profile/edit', body);
      expectRefusal(res, 400, 'INPUT_NOT_UNICODE', SURROGATE_MESSAGE(field));
    });

    it.each([
      ['password', { password: '\ud800', newPassword: 'N3w!password' }],
      ['newPassword', { password: STRONG_PASSWORD, newPassword: 'N3w!pass\udfff' }],
    ])('PATCH /profile/password %s → 400', async (field, body) => {
      const res = await pw.patch('/profile/password', body);
      expectRefusal(res, 400, 'INPUT_NOT_UNICODE', SURROGATE_MESSAGE(field));
    });

    it('a lone surrogate in a field name → 400', async () => {
      const res = await me.patch('/profile/edit', { ['\ud800']: 'x' });
      expectRefusal(
        res,
        400,
        'INPUT_FIELD_NAME_NOT_UNICODE',
        'A field name in the request body is not valid Unicode text',
      );
    });

    it('a well-formed pair (emoji) is fine', async () => {
      const res = await me.patch('/profile/edit', { about: 'Coffee ☕ and 🦀' }).expect(200);
      expect(res.body.data.about).toBe('Coffee ☕ and 🦀');
    });
  });

  describe('passwords are bounded by bytes (bcrypt reads 72)', () => {
    // 4 ASCII + 34 × "é" (2 bytes each) = 72 bytes in 38 characters.
    const AT_LIMIT = `Aa1!${'é'.repeat(34)}`;

    it('a 72-character password of multi-byte characters is refused at signup', async () => {
      const password = `Aa1!${'é'.repeat(68)}`; // 72 characters, 140 bytes
      expect([...password]).toHaveLength(72);
      const res = await post('/auth/signup').send(signupBody({ password }));
      expectRefusal(res, 400, 'VALIDATION_FAILED', TOO_LONG_PASSWORD('password'));
    });

    it('two passwords that differ only after byte 72 cannot both be used', async () => {
      expect(Buffer.byteLength(AT_LIMIT)).toBe(72);
      const { body } = await signUp(t, { password: AT_LIMIT });
      await post('/auth/login').send({ emailId: body.emailId, password: AT_LIMIT }).expect(200);
      // Same first 72 bytes, different ending: bcrypt alone would accept it.
      const longer = await post('/auth/login').send({
        emailId: body.emailId,
        password: `${AT_LIMIT}ü`,
      });
      expectRefusal(longer, 400, 'VALIDATION_FAILED', TOO_LONG_PASSWORD('password'));
      expect(longer.headers['set-cookie']).toBeUndefined();
      // …and such a password cannot be chosen at signup or as a new password either.
      const signup = await post('/auth/signup').send(signupBody({ password: `${AT_LIMIT}x` }));
      expectRefusal(signup, 400, 'VALIDATION_FAILED', TOO_LONG_PASSWORD('password'));
      const change = await pw.patch('/profile/password', {
        password: STRONG_PASSWORD,
        newPassword: `${AT_LIMIT}🔑`,
      });
      expectRefusal(change, 400, 'VALIDATION_FAILED', TOO_LONG_PASSWORD('newPassword'));
      const current = await pw.patch('/profile/password', {
        password: `${AT_LIMIT}🔑`,
        newPassword: 'N3w!password',
      });
      expectRefusal(current, 400, 'VALIDATION_FAILED', TOO_LONG_PASSWORD('password'));
    });

    it('says what a strong password needs, at signup and on change', async () => {
      const signup = await post('/auth/signup').send(signupBody({ password: 'password1' }));
      expectRefusal(signup, 400, 'VALIDATION_FAILED', WEAK_PASSWORD('password'));
      const change = await pw.patch('/profile/password', {
        password: STRONG_PASSWORD,
        newPassword: 'weakpass',
      });
      expectRefusal(change, 400, 'VALIDATION_FAILED', WEAK_PASSWORD('newPassword'));
    });
  });

  describe('names and single-line text', () => {
    const UNSAFE_NAMES: [string, string][] = [
      ['NUL', 'Ev\u0000e'],
      ['LF', 'Eve\nBcc: x@example.com'],
      ['CR', 'Eve\rX'],
      ['tab', 'Eve\tX'],
      ['RIGHT-TO-LEFT OVERRIDE', 'Eve\u202Egpj.exe'],
      ['LEFT-TO-RIGHT EMBEDDING', '\u202AEve'],
      ['FIRST STRONG ISOLATE', 'Eve\u2068x'],
      ['POP DIRECTIONAL ISOLATE', 'Eve\u2069'],
      ['LINE SEPARATOR', 'Eve\u2028X'],
    ];

    it.each(UNSAFE_NAMES)('signup: %s in firstName or lastName → 400', async (_name, value) => {
      const first = await post('/auth/signup').send(signupBody({ firstName: value }));
      expectRefusal(first, 400, 'VALIDATION_FAILED', UNSAFE_LINE('firstName'));
      const last = await post('/auth/signup').send(signupBody({ lastName: value }));
      expectRefusal(last, 400, 'VALIDATION_FAILED', UNSAFE_LINE('lastName'));
    });

    it.each(UNSAFE_NAMES)('edit: %s in a name → 400, nothing saved', async (_name, value) => {
      const before = await t.connection.collection('users').findOne({ emailId: me.user.emailId });
      expectRefusal(
        await me.patch('/profile/edit', { firstName: value }),
        400,
        'VALIDATION_FAILED',
        UNSAFE_LINE('firstName'),
      );
      expectRefusal(
        await me.patch('/profile/edit', { lastName: value }),
        400,
        'VALIDATION_FAILED',
        UNSAFE_LINE('lastName'),
      );
      const after = await t.connection.collection('users').findOne({ emailId: me.user.emailId });
      expect(after).toEqual(before);
    });

    it.each([
      ['githubUsername LF', { githubUsername: 'octo\ncat' }, UNSAFE_LINE('githubUsername')],
      ['githubUsername bidi', { githubUsername: 'octo\u202Ecat' }, UNSAFE_LINE('githubUsername')],
      ['photoUrl bidi', { photoUrl: 'https://example.com/a\u202Eb.jpg' }, UNSAFE_LINE('photoUrl')],
      [
        'skill with NUL',
        { skills: ['Go', 'Ru\u0000st'] },
        'Each skill must not contain control characters, line breaks or text-direction characters',
      ],
      [
        'skill with bidi',
        { skills: ['\u202EoG'] },
        'Each skill must not contain control characters, line breaks or text-direction characters',
      ],
      [
        'about with NUL',
        { about: 'Hi\u0000' },
        'about must not contain control characters (other than line breaks) or text-direction characters',
      ],
      [
        'about with bidi override',
        { about: 'Hi \u202Eevil' },
        'about must not contain control characters (other than line breaks) or text-direction characters',
      ],
    ])('edit: %s → 400', async (_name, body, message) => {
      expectRefusal(await me.patch('/profile/edit', body), 400, 'VALIDATION_FAILED', message);
    });

    it('about keeps its line breaks, emoji and accents', async () => {
      const about = 'Backend dev 👩‍💻\r\nLikes crème brûlée\nand Go';
      const res = await me.patch('/profile/edit', { about }).expect(200);
      expect(res.body.data.about).toBe(about);
    });

    it.each([
      ['Amy', 'Li'],
      ['Li', 'Wu'],
      ['José', 'García'],
      ['Siobhán', "O'Brien"],
      ['Thảo', 'Nguyễn'],
      ['Mary-Jane', 'Watson'],
      ['Anne Marie', 'de la Cruz'],
      ['J.R.R.', 'Tolkien'],
      ['Zoë', 'O’Brien-Smith'],
      ['Zoë O’Brien-Smith', 'D’Angelo'],
      ['محمد', 'علي'],
      ['明', '王'],
      ['Παναγιώτης', 'Παπαδόπουλος'],
      ['अनुष्का', 'शर्मा'],
      ['Żaneta', 'Łukasiewicz'],
    ])('accepts real names at signup and on edit: %s %s', async (firstName, lastName) => {
      const res = await post('/auth/signup').send(signupBody({ firstName, lastName })).expect(201);
      expect(res.body.data).toMatchObject({ firstName, lastName });
      const edited = await me.patch('/profile/edit', { firstName, lastName }).expect(200);
      expect(edited.body.data).toMatchObject({ firstName, lastName });
    });

    it('stores decomposed accents composed (NFC) and trims', async () => {
      const decomposed = 'Nguye\u0302\u0303n';
      const res = await me.patch('/profile/edit', { lastName: `  ${decomposed} ` }).expect(200);
      expect(res.body.data.lastName).toBe('Nguyễn');
    });

    it.each([
      ['empty first name', { firstName: '' }, 'firstName cannot be empty'],
      ['blank first name', { firstName: '   ' }, 'firstName cannot be empty'],
      ['missing first name', { firstName: undefined }, 'firstName is required'],
      ['51 characters', { firstName: 'A'.repeat(51) }, 'firstName must be at most 50 characters'],
      ['a digit', { firstName: 'J0hn' }, NAME_CHARACTERS('firstName')],
      ['digits only', { firstName: '12345' }, NAME_CHARACTERS('firstName')],
      ['emoji', { firstName: 'Zoë 🌸' }, NAME_CHARACTERS('firstName')],
      ['a digit in the last name', { lastName: 'Smith2' }, NAME_CHARACTERS('lastName')],
      ['leading hyphen', { firstName: '-Amy' }, 'firstName must start with a letter'],
      ['symbols', { firstName: 'Amy<script>' }, NAME_CHARACTERS('firstName')],
      ['long last name', { lastName: 'B'.repeat(51) }, 'lastName must be at most 50 characters'],
      ['null last name', { lastName: null }, 'lastName must be a string'],
    ])('signup refuses %s', async (_name, overrides, message) => {
      expectRefusal(
        await post('/auth/signup').send(signupBody(overrides)),
        400,
        'VALIDATION_FAILED',
        message,
      );
    });

    it('edit refuses a digit or emoji with the same message and keeps the stored name', async () => {
      const before = (await me.get('/profile').expect(200)).body.data.firstName as string;
      expectRefusal(
        await me.patch('/profile/edit', { firstName: 'J0hn' }),
        400,
        'VALIDATION_FAILED',
        NAME_CHARACTERS('firstName'),
      );
      expectRefusal(
        await me.patch('/profile/edit', { lastName: 'Nair 🚀' }),
        400,
        'VALIDATION_FAILED',
        NAME_CHARACTERS('lastName'),
      );
      expect((await me.get('/profile').expect(200)).body.data.firstName).toBe(before);
    });

    it('one rule for signup and edit: both take 1-50 characters', async () => {
      const fifty = 'É'.repeat(50);
      await post('/auth/signup')
        .send(signupBody({ firstName: fifty }))
        .expect(201);
      await me.patch('/profile/edit', { firstName: fifty }).expect(200);
      expectRefusal(
        await me.patch('/profile/edit', { firstName: `${fifty}É` }),
        400,
        'VALIDATION_FAILED',
        'firstName must be at most 50 characters',
      );
      expectRefusal(
        await me.patch('/profile/edit', { firstName: '' }),
        400,
        'VALIDATION_FAILED',
        'firstName cannot be empty',
      );
    });

    it('signup without a last name (or a blank one) stores none', async () => {
      const { emailId } = signupBody();
      const res = await post('/auth/signup')
        .send({ firstName: 'Madonna', lastName: '  ', emailId, password: STRONG_PASSWORD })
        .expect(201);
      expect(res.body.data).not.toHaveProperty('lastName');
      const stored = await t.connection.collection('users').findOne({ emailId });
      expect(stored).not.toHaveProperty('lastName');
      const { lastName: _omit, ...withoutLast } = signupBody({ firstName: 'Cher' });
      await post('/auth/signup').send(withoutLast).expect(201);
    });
  });

  describe('defaults and messages', () => {
    it('a new profile has no default about: nothing stored, "" in every view', async () => {
      const res = await post('/auth/signup').send(signupBody()).expect(201);
      expect(res.body.data.about).toBe('');
      const stored = await t.connection
        .collection('users')
        .findOne({ emailId: res.body.data.emailId });
      expect(stored).not.toHaveProperty('about');
      const other = await me.get(`/profile/${res.body.data._id}`).expect(200);
      expect(other.body.data.about).toBe('');
      const fresh = await signUpAndLogIn(t);
      expect((await fresh.get('/profile').expect(200)).body.data.about).toBe('');
    });

    it('a taken email says what happened and what to do (409)', async () => {
      const body = signupBody();
      await post('/auth/signup').send(body).expect(201);
      const res = await post('/auth/signup').send({ ...body, emailId: body.emailId.toUpperCase() });
      expectRefusal(
        res,
        409,
        'EMAIL_ALREADY_REGISTERED',
        'An account with this email already exists. Log in instead, or sign up with another email.',
      );
    });
  });
});

/** With the default TRUST_PROXY_HOPS (0), X-Forwarded-For does not choose the rate-limit bucket. */
describe('Rate limits without a trusted proxy (the default)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY_HOPS: undefined } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('logins with different X-Forwarded-For count as one address: its 21st failure is refused', async () => {
    expect(t.config.trustProxyHops).toBe(0);
    for (let i = 0; i < 20; i++) {
      const res = await request(t.server)
        .post('/auth/login')
        .set('X-Forwarded-For', `198.51.100.${i + 1}`)
        .send({ emailId: `nobody${i}@example.com`, password: 'x' });
      expect(res.status).toBe(400);
      expect(res.headers['ratelimit-remaining']).toBe(String(99 - i));
    }
    const refused = await request(t.server)
      .post('/auth/login')
      .set('X-Forwarded-For', '198.51.100.250')
      .send({ emailId: 'nobody20@example.com', password: 'x' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      success: false,
      code: 'RATE_LIMITED_ATTEMPTS',
      retryAfter: 15,
    });
  });
});
