import type { Server } from 'node:http';
import request, { Response } from 'supertest';
import type { TestApp } from './test-app';

export const STRONG_PASSWORD = 'Str0ng!pass';

/** Cookie name → value from a response's Set-Cookie headers (empty value = cleared). */
export function cookiesFrom(res: Response): Record<string, string> {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return Object.fromEntries(
    (header ?? []).map((line) => {
      const [pair] = line.split(';');
      const index = pair.indexOf('=');
      return [pair.slice(0, index), decodeURIComponent(pair.slice(index + 1))];
    }),
  );
}

export function setCookieLine(res: Response, name: string): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return header?.find((line) => line.startsWith(`${name}=`));
}

/** A signed-in user as the SPA would hold them: the cookies and the self view. */
export class UserSession {
  constructor(
    readonly server: Server,
    public accessToken: string,
    public refreshToken: string,
    readonly user: { _id: string; firstName: string; emailId: string },
  ) {}

  get id(): string {
    return this.user._id;
  }

  cookieHeader(which: 'access' | 'refresh' | 'both' = 'access'): string {
    const parts: string[] = [];
    if (which !== 'refresh') parts.push(`accessToken=${this.accessToken}`);
    if (which !== 'access') parts.push(`refreshToken=${this.refreshToken}`);
    return parts.join('; ');
  }

  get(path: string) {
    return request(this.server).get(path).set('Cookie', this.cookieHeader());
  }

  post(path: string, body?: object) {
    const req = request(this.server).post(path).set('Cookie', this.cookieHeader());
    return body ? req.send(body) : req;
  }

  patch(path: string, body: object) {
    return request(this.server).patch(path).set('Cookie', this.cookieHeader()).send(body);
  }

  delete(path: string) {
    return request(this.server).delete(path).set('Cookie', this.cookieHeader());
  }

  /** POST /auth/refresh with the refresh cookie; keeps the new cookies on success. */
  async refresh(): Promise<Response> {
    const res = await request(this.server)
      .post('/auth/refresh')
      .set('Cookie', this.cookieHeader('refresh'));
    if (res.status === 200) this.adopt(res);
    return res;
  }

  adopt(res: Response): void {
    const cookies = cookiesFrom(res);
    if (cookies.accessToken) this.accessToken = cookies.accessToken;
    if (cookies.refreshToken) this.refreshToken = cookies.refreshToken;
  }
}

let counter = 0;

/**
 * A counter as letters (0 → A, 25 → Z, 26 → BA, …), for generated names: names take letters,
 * never digits.
 */
export function letters(n: number): string {
  let text = '';
  let rest = n;
  do {
    text = String.fromCharCode(65 + (rest % 26)) + text;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return text;
}

/**
 * A distinct client address per call (the app trusts one proxy hop), so helpers that sign many
 * users up do not trip the per-IP auth limits; rate-limit tests use fixed addresses instead.
 */
export function randomClientIp(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}

export interface NewUserOptions {
  firstName?: string;
  lastName?: string;
  emailId?: string;
  password?: string;
  verified?: boolean;
}

/**
 * Signs a user up through the API and, unless `verified: false`, marks the email verified in the
 * database (the emailed-link path has its own story test), so other tests start logged in fast.
 */
export async function signUp(t: TestApp, options: NewUserOptions = {}) {
  counter++;
  const body = {
    firstName: options.firstName ?? `User${letters(counter)}`,
    lastName: options.lastName ?? 'Tester',
    emailId: options.emailId ?? `user${counter}.${Date.now()}@example.com`,
    password: options.password ?? STRONG_PASSWORD,
  };
  const res = await request(t.server)
    .post('/auth/signup')
    .set('X-Forwarded-For', randomClientIp())
    .send(body)
    .expect(201);
  if (options.verified !== false) {
    await t.connection
      .collection('users')
      .updateOne({ emailId: body.emailId.toLowerCase() }, { $set: { emailVerified: true } });
  }
  return { body, user: res.body.data as { _id: string; emailId: string; firstName: string } };
}

export async function logIn(
  t: TestApp,
  emailId: string,
  password = STRONG_PASSWORD,
): Promise<UserSession> {
  const res = await request(t.server)
    .post('/auth/login')
    .set('X-Forwarded-For', randomClientIp())
    .send({ emailId, password })
    .expect(200);
  const cookies = cookiesFrom(res);
  return new UserSession(t.server, cookies.accessToken, cookies.refreshToken, res.body.data);
}

export async function signUpAndLogIn(
  t: TestApp,
  options: NewUserOptions = {},
): Promise<UserSession> {
  const { body } = await signUp(t, options);
  return logIn(t, body.emailId, body.password);
}

/** `a` asks `b` to connect and `b` accepts: the pair are connections, as through the SPA. */
export async function connectUsers(a: UserSession, b: UserSession): Promise<void> {
  const sent = await a.post(`/request/send/interested/${b.id}`).expect(200);
  await b.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
}
