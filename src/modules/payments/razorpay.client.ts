import { Injectable, Logger } from '@nestjs/common';
import Razorpay from 'razorpay';
import { appError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { PAYMENT_ERRORS } from './payments.errors';

/** How long one gateway call may take before the route answers 502. */
const GATEWAY_TIMEOUT_MS = 10_000;

export interface GatewayOrder {
  id: string;
  amount: number;
  currency: string;
  receipt?: string;
  status?: string;
}

export interface GatewayPayment {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: string;
}

export interface NewGatewayOrder {
  amount: number;
  currency: string;
  receipt: string;
  notes: Record<string, string>;
}

/**
 * The one way to Razorpay: the real `razorpay` SDK (basic auth with the key id and secret). The
 * SDK has no base-URL option (it hard-codes https://api.razorpay.com into its axios instance), so
 * `RAZORPAY_API_URL` replaces the instance's `baseURL` (tests point it at a local stand-in).
 * Without a key id and secret there is no client: every payment route answers 503.
 */
@Injectable()
export class RazorpayClient {
  private readonly logger = new Logger(RazorpayClient.name);
  private readonly sdk?: Razorpay;

  constructor(private readonly config: AppConfig) {
    const { keyId, keySecret, apiUrl } = config.payments;
    if (!keyId || !keySecret) return;
    this.sdk = new Razorpay({ key_id: keyId, key_secret: keySecret });
    const http = (this.sdk.api as unknown as { rq: { defaults: Record<string, unknown> } }).rq;
    if (apiUrl) http.defaults.baseURL = apiUrl.replace(/\/+$/, '');
    http.defaults.timeout = GATEWAY_TIMEOUT_MS;
  }

  get configured(): boolean {
    return this.sdk !== undefined;
  }

  /** The public key id the SPA passes to Checkout. */
  get keyId(): string {
    this.requireSdk();
    return this.config.payments.keyId as string;
  }

  /** Throws the 503 when payments are not configured. */
  requireConfigured(): void {
    this.requireSdk();
  }

  createOrder(order: NewGatewayOrder): Promise<GatewayOrder> {
    return this.call('orders.create', () => this.requireSdk().orders.create(order));
  }

  /** Every payment attempt on an order (reconciliation). */
  async fetchOrderPayments(orderId: string): Promise<GatewayPayment[]> {
    const result = await this.call('orders.fetchPayments', () =>
      this.requireSdk().orders.fetchPayments(orderId),
    );
    return (result as { items?: GatewayPayment[] }).items ?? [];
  }

  fetchPayment(paymentId: string): Promise<GatewayPayment> {
    return this.call('payments.fetch', () => this.requireSdk().payments.fetch(paymentId));
  }

  private requireSdk(): Razorpay {
    if (!this.sdk) throw appError(PAYMENT_ERRORS.notConfigured);
    return this.sdk;
  }

  /** SDK failures (HTTP errors, timeouts, network errors) become the 502, with a log line. */
  private async call<T>(operation: string, run: () => Promise<unknown>): Promise<T> {
    try {
      return (await run()) as T;
    } catch (error: unknown) {
      this.logger.error({ msg: 'Razorpay call failed', operation, gatewayError: describe(error) });
      throw appError(PAYMENT_ERRORS.gatewayFailed);
    }
  }
}

function describe(error: unknown): unknown {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const { statusCode, error: detail } = error as { statusCode?: unknown; error?: unknown };
    return { statusCode, error: detail };
  }
  return String(error);
}
