import { STRONG_PASSWORD } from './session';

/** One HTTP answer as a test reads it. */
export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
  /** How long the request took, in milliseconds. */
  ms: number;
}

/**
 * A small fetch client for an API running in another process (supertest needs an in-process
 * server). Each call may name its client IP (the test API trusts one proxy hop) and cookies.
 */
export class HttpClient {
  constructor(readonly base: string) {}

  async call(
    method: string,
    path: string,
    options: { body?: object; cookie?: string; ip?: string; timeoutMs?: number } = {},
  ): Promise<Answer> {
    const started = Date.now();
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': options.ip ?? randomIp(),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.timeout(options.timeoutMs ?? 20000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers, ms: Date.now() - started };
  }

  /** Signs up `<name>@example.com` (last name Fault) with the suite's strong password. */
  signUp(name: string): Promise<Answer> {
    return this.call('POST', '/auth/signup', {
      body: {
        firstName: name,
        lastName: 'Fault',
        emailId: `${name.toLowerCase()}@example.com`,
        password: STRONG_PASSWORD,
      },
    });
  }

  /** Logs in a user created by {@link signUp}. */
  logIn(name: string): Promise<Answer> {
    return this.call('POST', '/auth/login', {
      body: { emailId: `${name.toLowerCase()}@example.com`, password: STRONG_PASSWORD },
    });
  }
}

/** `name=value; …` from an answer's Set-Cookie headers, for the next request. */
export function cookiesOf(answer: Answer): string {
  return answer.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
}

export function randomIp(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}
