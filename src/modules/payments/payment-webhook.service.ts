import { Injectable, Logger } from '@nestjs/common';
import { appError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import type { WebhookOutcome } from '../metrics/metrics.constants';
import { MetricsService } from '../metrics/metrics.service';
import { PaymentCaptureService } from './payment-capture.service';
import { isHandledEvent, webhookSignatureValid } from './payment-rules';
import { PAYMENT_ERRORS } from './payments.errors';
import { PaymentsRepository } from './payments.repository';

export const WEBHOOK_PROCESSED = 'Webhook processed successfully';
export const WEBHOOK_ALREADY_PROCESSED = 'Payment already processed';

/** Longest `x-razorpay-event-id` recorded (Razorpay's ids are ~20 characters). */
const MAX_EVENT_ID_LENGTH = 200;

interface PaymentEntity {
  id?: unknown;
  order_id?: unknown;
  amount?: unknown;
  currency?: unknown;
  status?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `payload.payment.entity` of a Razorpay event, when there is one. */
function paymentEntityOf(body: Record<string, unknown>): PaymentEntity | null {
  const payload = body.payload;
  if (!isObject(payload) || !isObject(payload.payment)) return null;
  const entity = payload.payment.entity;
  return isObject(entity) ? entity : null;
}

/**
 * POST /payment/webhook (contract §3.7). After the raw-body signature check, every
 * outcome the gateway cannot fix by retrying (unknown event, unknown order, amount mismatch, a
 * payment already captured) answers 200 and is logged, so Razorpay stops retrying; only a bad
 * signature (400), a body that is not JSON (400, body parser) and a server error (5xx, retried
 * by the gateway) do not. Duplicate and concurrent deliveries apply at most once: the delivery id
 * (`x-razorpay-event-id`) is recorded in a unique collection first, and the capture itself is one
 * conditional update followed by an idempotent grant keyed by the payment id.
 */
@Injectable()
export class PaymentWebhookService {
  private readonly logger = new Logger(PaymentWebhookService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly capture: PaymentCaptureService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Returns the success message; throws 400 on a bad signature, 503 without a webhook secret. */
  async handle(
    rawBody: Buffer | undefined,
    signature: unknown,
    eventIdHeader: unknown,
    body: unknown,
  ): Promise<string> {
    const secret = this.config.payments.webhookSecret;
    if (!secret) {
      this.metrics.webhookOutcome('not_configured');
      throw appError(PAYMENT_ERRORS.notConfigured);
    }
    if (!webhookSignatureValid(secret, rawBody, signature)) {
      this.logger.warn({ msg: 'Webhook signature mismatch: ignored', bytes: rawBody?.length ?? 0 });
      this.metrics.webhookOutcome('invalid_signature');
      throw appError(PAYMENT_ERRORS.invalidWebhookSignature);
    }
    const event = isObject(body) && typeof body.event === 'string' ? body.event : null;
    const entity = isObject(body) ? paymentEntityOf(body) : null;
    const orderId = typeof entity?.order_id === 'string' ? entity.order_id : null;

    const eventId =
      typeof eventIdHeader === 'string' &&
      eventIdHeader.length > 0 &&
      eventIdHeader.length <= MAX_EVENT_ID_LENGTH
        ? eventIdHeader
        : null;
    if (eventId && !(await this.payments.recordEvent(eventId, event ?? 'unknown', orderId))) {
      this.logger.log({ msg: 'Webhook delivery already processed', eventId, event, orderId });
      this.metrics.webhookOutcome('duplicate');
      return WEBHOOK_ALREADY_PROCESSED;
    }
    try {
      const [message, outcome] = await this.apply(event, entity, orderId, eventId);
      this.metrics.webhookOutcome(outcome);
      return message;
    } catch (error: unknown) {
      this.metrics.webhookOutcome('error');
      // Let the gateway's retry be processed: forget the delivery id, then answer 5xx.
      if (eventId) await this.payments.forgetEvent(eventId).catch(() => undefined);
      throw error;
    }
  }

  private async apply(
    event: string | null,
    entity: PaymentEntity | null,
    orderId: string | null,
    eventId: string | null,
  ): Promise<[message: string, outcome: WebhookOutcome]> {
    if (!isHandledEvent(event)) {
      this.logger.log({ msg: 'Webhook event not handled: acknowledged', event, eventId });
      return [WEBHOOK_PROCESSED, 'ignored_event'];
    }
    const paymentId = typeof entity?.id === 'string' ? entity.id : null;
    if (!entity || !orderId || !paymentId) {
      this.logger.warn({ msg: 'Webhook event without a payment entity', event, eventId });
      return [WEBHOOK_PROCESSED, 'no_payment'];
    }
    const payment = await this.payments.findByOrderId(orderId);
    if (!payment) {
      this.logger.warn({ msg: 'Webhook for an unknown order: acknowledged', event, orderId });
      return [WEBHOOK_PROCESSED, 'unknown_order'];
    }

    if (event === 'payment.failed') {
      const failed = await this.payments.markFailed(orderId, paymentId);
      this.logger.log({
        msg: failed ? 'Payment failed' : 'Payment failure ignored (status kept)',
        orderId,
        paymentId,
        status: failed?.status ?? payment.status,
      });
      return [WEBHOOK_PROCESSED, 'payment_failed'];
    }

    // payment.captured or order.paid (Razorpay sends both for one payment).
    const outcome = await this.capture.capture(
      orderId,
      { id: paymentId, amount: entity.amount, currency: entity.currency },
      `webhook:${event}`,
    );
    if (outcome === 'already-applied') return [WEBHOOK_ALREADY_PROCESSED, 'already_applied'];
    // The order is known (checked above): `ignored` means its amount or currency differs.
    return [WEBHOOK_PROCESSED, outcome === 'applied' ? 'processed' : 'mismatch'];
  }
}
