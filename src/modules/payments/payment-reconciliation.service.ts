import { Injectable, Logger } from '@nestjs/common';
import { PaymentCaptureService } from './payment-capture.service';
import { PaymentsRepository } from './payments.repository';
import { RazorpayClient } from './razorpay.client';

/** An order is asked about once it has been open this long (the webhook normally lands in seconds). */
export const RECONCILE_AFTER_MS = 15 * 60 * 1000;
/** Orders older than this are abandoned checkouts: no longer polled. */
export const RECONCILE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Orders asked about per run (oldest first); the next run continues. */
const BATCH = 100;

export interface ReconciliationResult {
  /** False when payments are not configured. */
  ran: boolean;
  checked: number;
  captured: number;
}

/**
 * Captures whose webhook never arrived: every 5 minutes (a job scheduler, see scheduled-jobs),
 * asks Razorpay (the same `RazorpayClient`) for the payments of each order left `created` or
 * `authorized` for more than 15 minutes (up to 7 days old) and applies a captured one through
 * `PaymentCaptureService` — the webhook's own path — so it applies at most once whichever comes
 * first, and the receipt goes out once. A gateway failure for one order is logged and skipped.
 */
@Injectable()
export class PaymentReconciliationService {
  private readonly logger = new Logger(PaymentReconciliationService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly gateway: RazorpayClient,
    private readonly capture: PaymentCaptureService,
  ) {}

  async run(now = new Date()): Promise<ReconciliationResult> {
    if (!this.gateway.configured) {
      this.logger.log({ msg: 'Reconciliation skipped: Razorpay is not configured' });
      return { ran: false, checked: 0, captured: 0 };
    }
    const open = await this.payments.findOpen(
      new Date(now.getTime() - RECONCILE_WINDOW_MS),
      new Date(now.getTime() - RECONCILE_AFTER_MS),
      BATCH,
    );
    let captured = 0;
    for (const payment of open) {
      try {
        const attempts = await this.gateway.fetchOrderPayments(payment.orderId);
        const paid = attempts.find((attempt) => attempt.status === 'captured');
        if (!paid) continue;
        const outcome = await this.capture.capture(payment.orderId, paid, 'reconciliation');
        if (outcome === 'applied') {
          captured++;
          this.logger.warn({
            msg: 'Reconciliation applied a capture the webhook never delivered',
            orderId: payment.orderId,
            paymentId: paid.id,
          });
        }
      } catch (error: unknown) {
        this.logger.error({
          msg: 'Reconciliation of an order failed; retried next run',
          orderId: payment.orderId,
          err: error,
        });
      }
    }
    this.logger.log({ msg: 'Reconciliation run finished', checked: open.length, captured });
    return { ran: true, checked: open.length, captured };
  }
}
