import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { AppError, appError, errorMessage } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { amountInPaise, type BillingCycle, tierRank } from '../plans/plans';
import { SelfUserView, toSelfView } from '../users/user.views';
import { UsersRepository } from '../users/users.repository';
import { checkoutSignatureValid, PaymentStatus } from './payment-rules';
import { PAYMENT_ERRORS } from './payments.errors';
import { PaymentsRepository } from './payments.repository';
import { RazorpayClient } from './razorpay.client';

export type PaidPlan = 'PRO' | 'ELITE';

export interface CreatedOrderView {
  orderId: string;
  amount: number;
  currency: string;
  keyId: string;
}

/** GET /payment/status/:orderId (contract §3.7, M1): user/data only once captured. */
export interface PaymentStatusView {
  status: PaymentStatus;
  ready: boolean;
  user?: SelfUserView;
}

export const CURRENCY = 'INR';

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly gateway: RazorpayClient,
    private readonly payments: PaymentsRepository,
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
  ) {}

  /** A gateway order for a paid plan; the payments row is stored before answering. */
  async createOrder(
    userId: Types.ObjectId,
    membershipType: PaidPlan,
    billingCycle: BillingCycle,
    now = new Date(),
  ): Promise<CreatedOrderView> {
    this.gateway.requireConfigured();
    const user = await this.users.findById(userId);
    if (!user) throw appError(PAYMENT_ERRORS.notFound);
    const current = toSelfView(user, now);
    const currentType = current.membershipType as 'FREE' | PaidPlan;
    if (tierRank(membershipType) < tierRank(currentType)) {
      const expiry = current.membershipExpiry ?? 'further notice';
      throw new AppError(
        PAYMENT_ERRORS.lowerTier,
        errorMessage(PAYMENT_ERRORS.lowerTier, currentType, expiry),
        { currentPlan: currentType, membershipExpiry: current.membershipExpiry },
      );
    }
    const amount = amountInPaise(membershipType, billingCycle);
    const receipt = `receipt_${now.getTime()}`;
    const notes = { userId: userId.toHexString(), membershipType, billingCycle };
    const order = await this.gateway.createOrder({ amount, currency: CURRENCY, receipt, notes });
    if (order.amount !== amount || order.currency !== CURRENCY || typeof order.id !== 'string') {
      this.logger.error({ msg: 'Gateway order does not match the request', order, amount });
      throw appError(PAYMENT_ERRORS.gatewayFailed);
    }
    await this.payments.create({
      userId,
      orderId: order.id,
      amount,
      currency: CURRENCY,
      receipt,
      membershipType,
      billingCycle,
      notes,
    });
    this.logger.log({ msg: 'Payment order created', orderId: order.id, userId: notes.userId });
    return { orderId: order.id, amount, currency: CURRENCY, keyId: this.gateway.keyId };
  }

  /**
   * Checkout's handler: the signature proves the payment belongs to the order. Marks the caller's
   * own order `authorized` unless it is already captured/failed; never grants (the webhook does).
   */
  async verify(userId: Types.ObjectId, orderId: string, paymentId: string, signature: string) {
    this.gateway.requireConfigured();
    const keySecret = this.config.payments.keySecret as string;
    if (!checkoutSignatureValid(keySecret, orderId, paymentId, signature)) {
      this.logger.warn({ msg: 'Checkout signature mismatch', orderId, userId });
      throw appError(PAYMENT_ERRORS.invalidSignature);
    }
    const moved = await this.payments.markAuthorized(userId, orderId, paymentId);
    if (moved) return;
    const own = await this.payments.findOwn(userId, orderId);
    if (!own) throw appError(PAYMENT_ERRORS.notFound);
    // Already captured or failed: verify never moves it backwards; the answer is still success.
    this.logger.log({ msg: 'Verify left the status as it was', orderId, status: own.status });
  }

  /** The SPA's polling (M1): the payment's status and, once captured, the caller's self view. */
  async status(
    userId: Types.ObjectId,
    orderId: string,
    now = new Date(),
  ): Promise<PaymentStatusView> {
    this.gateway.requireConfigured();
    const payment = await this.payments.findOwn(userId, orderId);
    if (!payment) throw appError(PAYMENT_ERRORS.notFound);
    if (payment.status !== 'captured') return { status: payment.status, ready: false };
    const user = await this.users.findById(userId);
    if (!user) throw appError(PAYMENT_ERRORS.notFound);
    return { status: payment.status, ready: true, user: toSelfView(user, now) };
  }
}
