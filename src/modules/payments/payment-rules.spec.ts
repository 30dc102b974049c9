import { createHmac } from 'node:crypto';
import {
  amountMatches,
  checkoutSignatureValid,
  isHandledEvent,
  MOVES_TO,
  PAYMENT_STATUSES,
  PaymentStatus,
  signatureMatches,
  webhookSignatureValid,
} from './payment-rules';

const hmac = (secret: string, message: string | Buffer) =>
  createHmac('sha256', secret).update(message).digest('hex');

describe('payment status transitions', () => {
  const allowed: [PaymentStatus, PaymentStatus][] = [
    ['created', 'authorized'],
    ['authorized', 'authorized'],
    ['created', 'captured'],
    ['authorized', 'captured'],
    ['failed', 'captured'],
    ['created', 'failed'],
    ['authorized', 'failed'],
  ];
  const table = PAYMENT_STATUSES.flatMap((from) =>
    PAYMENT_STATUSES.map((to) => [from, to] as [PaymentStatus, PaymentStatus]),
  );

  it.each(table)('%s → %s', (from, to) => {
    expect(MOVES_TO[to].includes(from)).toBe(allowed.some(([f, t]) => f === from && t === to));
  });

  it('nothing moves a captured payment, and verify never overwrites captured or failed', () => {
    for (const to of PAYMENT_STATUSES) expect(MOVES_TO[to]).not.toContain('captured');
    expect(MOVES_TO.authorized).not.toContain('failed');
  });
});

describe('signatures', () => {
  it('checkout: HMAC of order|payment with the key secret', () => {
    const good = hmac('secret', 'order_1|pay_1');
    expect(checkoutSignatureValid('secret', 'order_1', 'pay_1', good)).toBe(true);
    expect(checkoutSignatureValid('secret', 'order_1', 'pay_1', good.toUpperCase())).toBe(true);
    expect(checkoutSignatureValid('other', 'order_1', 'pay_1', good)).toBe(false);
    expect(checkoutSignatureValid('secret', 'order_1', 'pay_2', good)).toBe(false);
    expect(
      checkoutSignatureValid('secret', 'order_1|pay', '1', hmac('secret', 'order_1|pay|1')),
    ).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['short', 'abcd'],
    ['one char short', 'a'.repeat(63)],
    ['one char long', 'a'.repeat(65)],
    ['not hex', 'z'.repeat(64)],
    ['not a string', 42],
    ['undefined', undefined],
    ['array', ['a'.repeat(64)]],
  ])('a %s signature is a mismatch', (_name, received) => {
    expect(signatureMatches(hmac('s', 'm'), received)).toBe(false);
  });

  it('webhook: HMAC of the raw bytes, so a re-serialised body does not match', () => {
    const raw = Buffer.from('{"event":"payment.captured", "a":1}');
    const signature = hmac('whsec', raw);
    expect(webhookSignatureValid('whsec', raw, signature)).toBe(true);
    expect(
      webhookSignatureValid('whsec', Buffer.from('{"event":"payment.captured","a":1}'), signature),
    ).toBe(false);
    expect(webhookSignatureValid('whsec', undefined, signature)).toBe(false);
    expect(webhookSignatureValid('other', raw, signature)).toBe(false);
  });
});

describe('webhook events', () => {
  it('acts on captured, paid and failed; everything else is acknowledged', () => {
    expect(isHandledEvent('payment.captured')).toBe(true);
    expect(isHandledEvent('order.paid')).toBe(true);
    expect(isHandledEvent('payment.failed')).toBe(true);
    expect(isHandledEvent('refund.created')).toBe(false);
    expect(isHandledEvent(undefined)).toBe(false);
  });

  it('amount and currency must equal the order exactly', () => {
    const order = { amount: 49900, currency: 'INR' };
    expect(amountMatches(order, { amount: 49900, currency: 'INR' })).toBe(true);
    expect(amountMatches(order, { amount: 100, currency: 'INR' })).toBe(false);
    expect(amountMatches(order, { amount: '49900', currency: 'INR' })).toBe(false);
    expect(amountMatches(order, { amount: 49900, currency: 'USD' })).toBe(false);
    expect(amountMatches(order, {})).toBe(false);
  });
});
