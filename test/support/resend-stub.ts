import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEmail {
  id: string;
  receivedAt: number;
  idempotencyKey?: string;
  authorization?: string;
  /** `to` as a list, whether the SDK sent a string or an array. */
  recipients: string[];
  body: {
    from: string;
    to: string | string[];
    subject: string;
    html: string;
    text: string;
    headers?: Record<string, string>;
  };
}

/**
 * A local HTTP server speaking the part of Resend's API the SDK uses (`POST /emails`). Records
 * every delivered email; `failNext(n)` makes the next n requests answer 500 like an outage.
 * Repeats of an idempotency key that already succeeded get the same id and are not re-delivered,
 * as Resend does (it keeps keys 24 hours). `holdNext(n)` accepts and records the next n emails
 * but answers only on `releaseHeld()`: a provider that took the email while the sender died
 * waiting for the answer.
 */
export class ResendStub {
  readonly delivered: ReceivedEmail[] = [];
  requests = 0;
  /** The Idempotency-Key of every POST /emails received, in order (absent: empty string). */
  readonly requestKeys: string[] = [];
  private failuresLeft = 0;
  private holdsLeft = 0;
  private readonly held: (() => void)[] = [];
  private readonly byIdempotencyKey = new Map<string, string>();
  private server?: Server;

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  failNext(count: number): void {
    this.failuresLeft = count;
  }

  /** The next `count` emails are recorded as delivered but their responses wait for release. */
  holdNext(count: number): void {
    this.holdsLeft = count;
  }

  /** How many responses are being held right now. */
  get heldCount(): number {
    return this.held.length;
  }

  releaseHeld(): void {
    for (const release of this.held.splice(0)) release();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.releaseHeld();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Waits until `count` emails matching `filter` were delivered; returns them. */
  async waitFor(
    filter: (email: ReceivedEmail) => boolean,
    count = 1,
    timeoutMs = 15000,
  ): Promise<ReceivedEmail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.delivered.filter(filter);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `expected ${count} email(s), got ${found.length}; delivered: ${this.delivered.map((e) => e.body.subject).join(', ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/emails') {
      return { status: 404, body: { name: 'not_found', message: 'Not found', statusCode: 404 } };
    }
    this.requestKeys.push((req.headers['idempotency-key'] as string | undefined) ?? '');
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return {
        status: 500,
        body: { name: 'internal_server_error', message: 'stub outage', statusCode: 500 },
      };
    }
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const previous = idempotencyKey ? this.byIdempotencyKey.get(idempotencyKey) : undefined;
    if (previous) return { status: 200, body: { id: previous } };
    const id = randomUUID();
    if (idempotencyKey) this.byIdempotencyKey.set(idempotencyKey, id);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedEmail['body'];
    this.delivered.push({
      id,
      receivedAt: Date.now(),
      idempotencyKey,
      authorization: req.headers.authorization,
      recipients: [body.to].flat(),
      body,
    });
    if (this.holdsLeft > 0) {
      this.holdsLeft--;
      await new Promise<void>((resolve) => this.held.push(resolve));
    }
    return { status: 200, body: { id } };
  }
}

/** The token in the verification link of a captured email. */
export function verificationTokenFrom(email: ReceivedEmail): string {
  const match = /verify-email\?token=([0-9a-f]{64})/.exec(email.body.text);
  if (!match) throw new Error(`no verification link in: ${email.body.text}`);
  return match[1];
}
