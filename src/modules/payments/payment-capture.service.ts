import { Injectable, Logger } from '@nestjs/common';
import { MailProducer } from '../mail/mail.producer';
import { MembershipService } from '../membership/membership.service';
import { amountMatches } from './payment-rules';
import { PaymentsRepository } from './payments.repository';

/** What a capture is applied from: the gateway's payment entity (webhook or a fetched payment). */
export interface CapturedPayment {
  id: string;
  amount?: unknown;
  currency?: unknown;
}

/**
 * - `applied`: this call captured the order and granted the plan (or recorded it below a higher
 *   active plan); a receipt was enqueued when the plan was granted.
 * - `already-applied`: a replay; another call (webhook delivery, reconciliation run) did it.
 *   Also when another payment of the order was captured (nothing changes; logged for a refund).
 * - `ignored`: nothing changed (unknown order, amount or currency differs from the order's).
 */
export type CaptureOutcome = 'applied' | 'already-applied' | 'ignored';

/**
 * The ONE code path that applies a captured payment, used by the webhook (`payment.captured`,
 * `order.paid`) and by the reconciliation job: amount and currency must equal the order's, then
 * one conditional update marks the row `captured` and `MembershipService.grant` (idempotent per
 * payment id) applies the plan. However many callers race, it applies at most once; a replay
 * re-runs the idempotent grant so an interrupted capture completes. The receipt email is enqueued
 * only by the call whose grant applied the plan (job id per payment: sent once even so).
 */
@Injectable()
export class PaymentCaptureService {
  private readonly logger = new Logger(PaymentCaptureService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly membership: MembershipService,
    private readonly mail: MailProducer,
  ) {}

  async capture(orderId: string, entity: CapturedPayment, source: string): Promise<CaptureOutcome> {
    const paymentId = entity.id;
    const payment = await this.payments.findByOrderId(orderId);
    if (!payment) {
      this.logger.warn({ msg: 'Capture for an unknown order: ignored', source, orderId });
      return 'ignored';
    }
    if (!amountMatches(payment, entity)) {
      this.logger.error({
        msg: 'Captured amount or currency differs from the order: no upgrade',
        source,
        orderId,
        paymentId,
        expected: { amount: payment.amount, currency: payment.currency },
        received: { amount: entity.amount, currency: entity.currency },
      });
      return 'ignored';
    }
    const captured = await this.payments.markCaptured(orderId, paymentId);
    const current = captured ?? (await this.payments.findByOrderId(orderId));
    if (!current || current.status !== 'captured' || current.paymentId !== paymentId) {
      this.logger.error({
        msg: 'Capture not applied: the order is captured by another payment (refund?)',
        source,
        orderId,
        paymentId,
        capturedPaymentId: current?.paymentId ?? null,
      });
      return 'already-applied';
    }
    // Also after a lost race or a replay: the grant is idempotent per payment id, and re-running
    // it completes a capture whose grant was interrupted.
    const grant = await this.membership.grant(
      current.userId,
      { membershipType: current.membershipType, billingCycle: current.billingCycle },
      paymentId,
    );
    if (grant.outcome === 'user-not-found') {
      this.logger.error({ msg: 'Captured payment for a missing user', source, orderId, paymentId });
    } else if (grant.outcome === 'kept-higher-tier') {
      this.logger.warn({ msg: 'Captured payment below the active plan: refund', source, orderId });
    } else if (grant.outcome === 'applied' && grant.user && grant.membership?.membershipExpiry) {
      await this.mail.sendPaymentReceipt({
        userId: current.userId.toHexString(),
        to: grant.user.emailId,
        firstName: grant.user.firstName,
        orderId,
        paymentId,
        membershipType: grant.membership.membershipType,
        billingCycle: current.billingCycle,
        amount: current.amount,
        currency: current.currency,
        membershipExpiry: grant.membership.membershipExpiry.toISOString(),
      });
    }
    if (captured) {
      this.logger.log({ msg: 'Payment captured', source, orderId, paymentId });
    }
    // The delivery that moved the payment to `captured` is the one that "processed" it, whichever
    // concurrent delivery's grant call happened to apply the plan (the grant applies once).
    return captured ? 'applied' : 'already-applied';
  }
}
