import { createHmac, timingSafeEqual } from 'node:crypto';

/** Payment statuses as stored (contract §4.4). */
export const PAYMENT_STATUSES = ['created', 'authorized', 'captured', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * From which statuses a payment may move to each status. Nothing moves a `captured` payment;
 * `failed` only moves to `captured` (a later attempt on the same order succeeded, as Razorpay
 * allows); `authorized` (checkout's verify) never overwrites `captured` or `failed`.
 */
export const MOVES_TO: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  created: [],
  authorized: ['created', 'authorized'],
  captured: ['created', 'authorized', 'failed'],
  failed: ['created', 'authorized'],
};

/** Lowercase hex HMAC-SHA256. */
export function hmacHex(secret: string, message: string | Buffer): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/**
 * Constant-time comparison of a received hex signature with the expected one, after hex decoding.
 * Anything that is not exactly 64 hex characters (or a different length) is a mismatch.
 */
export function signatureMatches(expectedHex: string, received: unknown): boolean {
  if (typeof received !== 'string' || !/^[0-9a-fA-F]{64}$/.test(received)) return false;
  const expected = Buffer.from(expectedHex, 'hex');
  const given = Buffer.from(received, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Checkout's signature: HMAC of `<order_id>|<payment_id>` with the key secret. */
export function checkoutSignatureValid(
  keySecret: string,
  orderId: string,
  paymentId: string,
  signature: unknown,
): boolean {
  return signatureMatches(hmacHex(keySecret, `${orderId}|${paymentId}`), signature);
}

/** A webhook's `x-razorpay-signature`: HMAC of the raw body bytes with the webhook secret. */
export function webhookSignatureValid(
  webhookSecret: string,
  rawBody: Buffer | undefined,
  signature: unknown,
): boolean {
  if (!rawBody) return false;
  return signatureMatches(hmacHex(webhookSecret, rawBody), signature);
}

/** The events the webhook acts on; any other is acknowledged and logged. */
export const HANDLED_EVENTS = ['payment.captured', 'order.paid', 'payment.failed'] as const;
export type HandledEvent = (typeof HANDLED_EVENTS)[number];

export function isHandledEvent(event: unknown): event is HandledEvent {
  return typeof event === 'string' && (HANDLED_EVENTS as readonly string[]).includes(event);
}

/** The amount and currency the gateway reports must equal the stored order's exactly. */
export function amountMatches(
  order: { amount: number; currency: string },
  paid: { amount?: unknown; currency?: unknown },
): boolean {
  return paid.amount === order.amount && paid.currency === order.currency;
}
