import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  userAgent?: string;
  body: unknown;
}

export interface StubOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  currency: string;
  receipt: string;
  notes: Record<string, string>;
  status: 'created' | 'attempted' | 'paid';
  created_at: number;
}

export interface StubPayment {
  id: string;
  entity: 'payment';
  order_id: string;
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'failed';
}

/**
 * A local stand-in for the part of Razorpay's API the SDK uses: `POST /v1/orders`,
 * `GET /v1/orders/:id/payments`, `GET /v1/payments/:id`. Checks basic auth against the key id and
 * secret it was given (401 in Razorpay's error shape otherwise) and records every request.
 * `failNext(n)` answers the next n requests with 500 like an outage; `addPayment` plays a payment.
 */
export class RazorpayStub {
  readonly requests: RecordedRequest[] = [];
  readonly orders = new Map<string, StubOrder>();
  readonly payments = new Map<string, StubPayment>();
  private failuresLeft = 0;
  private server?: Server;

  constructor(
    readonly keyId: string,
    readonly keySecret: string,
  ) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  failNext(count: number): void {
    this.failuresLeft = count;
  }

  /** A payment attempt on an order, as Checkout would make. */
  addPayment(orderId: string, status: StubPayment['status'] = 'captured'): StubPayment {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    const payment: StubPayment = {
      id: `pay_${randomBytes(7).toString('hex')}`,
      entity: 'payment',
      order_id: orderId,
      amount: order.amount,
      currency: order.currency,
      status,
    };
    this.payments.set(payment.id, payment);
    return payment;
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
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0];
    this.requests.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      body: text ? (JSON.parse(text) as unknown) : undefined,
    });
    const expected = `Basic ${Buffer.from(`${this.keyId}:${this.keySecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      return error(401, 'BAD_REQUEST_ERROR', 'Authentication failed');
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return error(500, 'SERVER_ERROR', 'stub outage');
    }
    if (req.method === 'POST' && path === '/v1/orders') {
      const body = JSON.parse(text) as Partial<StubOrder>;
      if (!Number.isInteger(body.amount) || (body.amount ?? 0) < 100) {
        return error(400, 'BAD_REQUEST_ERROR', 'Order amount less than minimum amount allowed');
      }
      const order: StubOrder = {
        id: `order_${randomBytes(7).toString('hex')}`,
        entity: 'order',
        amount: body.amount!,
        amount_paid: 0,
        currency: body.currency ?? 'INR',
        receipt: body.receipt ?? '',
        notes: body.notes ?? {},
        status: 'created',
        created_at: Math.floor(Date.now() / 1000),
      };
      this.orders.set(order.id, order);
      return { status: 200, body: order };
    }
    const orderPayments = /^\/v1\/orders\/([^/]+)\/payments$/.exec(path);
    if (req.method === 'GET' && orderPayments) {
      if (!this.orders.has(orderPayments[1])) {
        return error(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist');
      }
      const items = [...this.payments.values()].filter((p) => p.order_id === orderPayments[1]);
      return { status: 200, body: { entity: 'collection', count: items.length, items } };
    }
    const payment = /^\/v1\/payments\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && payment) {
      const found = this.payments.get(payment[1]);
      if (!found) return error(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist');
      return { status: 200, body: found };
    }
    return error(404, 'BAD_REQUEST_ERROR', 'The requested URL was not found on the server.');
  }
}

function error(status: number, code: string, description: string) {
  return { status, body: { error: { code, description } } };
}
