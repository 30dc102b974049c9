import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { MOVES_TO } from './payment-rules';
import {
  DETACHED_USER_ID,
  Payment,
  PaymentRecord,
  PERSONAL_NOTE_KEYS,
  PaymentWebhookEvent,
  type Payment as PaymentFields,
} from './payment.schema';

export type NewPayment = Omit<PaymentFields, 'paymentId' | 'status' | 'createdAt' | 'updatedAt'>;

/**
 * The only code that queries `payments` and `paymentwebhookevents`. Every status change is one
 * conditional update whose filter is the rule in payment-rules.ts (`MOVES_TO`), so concurrent or
 * replayed deliveries apply at most once and nothing moves backwards.
 */
@Injectable()
export class PaymentsRepository {
  constructor(
    @InjectModel(Payment.name) private readonly payments: Model<Payment>,
    @InjectModel(PaymentWebhookEvent.name) private readonly events: Model<PaymentWebhookEvent>,
  ) {}

  async create(payment: NewPayment): Promise<PaymentRecord> {
    const created = await this.payments.create({ ...payment, paymentId: null, status: 'created' });
    return created.toObject<PaymentRecord>();
  }

  /** Index: unique `orderId`. */
  findByOrderId(orderId: string): Promise<PaymentRecord | null> {
    return this.payments.findOne({ orderId }).lean<PaymentRecord>().exec();
  }

  /** Index: `{ userId, orderId }`. */
  findOwn(userId: Types.ObjectId, orderId: string): Promise<PaymentRecord | null> {
    return this.payments.findOne({ userId, orderId }).lean<PaymentRecord>().exec();
  }

  /** The user's payments, newest first, at most `max` (the data export). Index: `{ userId, orderId }`. */
  async allOf(userId: Types.ObjectId, max: number): Promise<PaymentRecord[]> {
    const rows = await this.payments.find({ userId }).limit(max).lean<PaymentRecord[]>().exec();
    return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /**
   * Account deletion: the user's payments stay for accounting (order, amounts, status, plan) but
   * no longer name them: `userId` becomes {@link DETACHED_USER_ID} and the personal notes go.
   * One update; safe to repeat (a second run matches nothing). A capture arriving later for such
   * an order finds no user to grant and is logged. Index: `{ userId, orderId }`.
   */
  async detachFromUser(userId: Types.ObjectId, now = new Date()): Promise<number> {
    const result = await this.payments.updateMany(
      { userId },
      {
        $set: { userId: DETACHED_USER_ID, accountDeletedAt: now },
        $unset: Object.fromEntries(PERSONAL_NOTE_KEYS.map((key) => [`notes.${key}`, 1])),
      },
    );
    return result.modifiedCount;
  }

  /** Checkout's verify: created/authorized → authorized with the payment id. Index: `{ userId, orderId }`. */
  markAuthorized(
    userId: Types.ObjectId,
    orderId: string,
    paymentId: string,
  ): Promise<PaymentRecord | null> {
    return this.payments
      .findOneAndUpdate(
        { userId, orderId, status: { $in: MOVES_TO.authorized } },
        { $set: { status: 'authorized', paymentId } },
        { new: true },
      )
      .lean<PaymentRecord>()
      .exec();
  }

  /**
   * The one conditional update that applies a capture: null when another delivery (or nothing)
   * got there first. Index: unique `orderId`.
   */
  markCaptured(orderId: string, paymentId: string): Promise<PaymentRecord | null> {
    return this.payments
      .findOneAndUpdate(
        { orderId, status: { $in: MOVES_TO.captured } },
        { $set: { status: 'captured', paymentId } },
        { new: true },
      )
      .lean<PaymentRecord>()
      .exec();
  }

  /** created/authorized → failed (never a captured payment). Index: unique `orderId`. */
  markFailed(orderId: string, paymentId: string | null): Promise<PaymentRecord | null> {
    return this.payments
      .findOneAndUpdate(
        { orderId, status: { $in: MOVES_TO.failed } },
        { $set: { status: 'failed', ...(paymentId ? { paymentId } : {}) } },
        { new: true },
      )
      .lean<PaymentRecord>()
      .exec();
  }

  /**
   * Orders still `created`/`authorized` that were created in [`after`, `before`), oldest first
   * (reconciliation). Index: `{ status: 1, createdAt: 1 }`.
   */
  findOpen(after: Date, before: Date, limit: number): Promise<PaymentRecord[]> {
    return this.payments
      .find({ status: { $in: ['created', 'authorized'] }, createdAt: { $gte: after, $lt: before } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<PaymentRecord[]>()
      .exec();
  }

  /** Index: unique `eventId`. */
  async eventSeen(eventId: string): Promise<boolean> {
    return (await this.events.exists({ eventId }).exec()) !== null;
  }

  /** Forgets a delivery id whose processing failed, so the gateway's retry is processed. */
  async forgetEvent(eventId: string): Promise<void> {
    await this.events.deleteOne({ eventId }).exec();
  }

  /** Records a processed delivery id; false when it was already recorded (unique index). */
  async recordEvent(eventId: string, event: string, orderId: string | null): Promise<boolean> {
    try {
      await this.events.create({ eventId, event, orderId, createdAt: new Date() });
      return true;
    } catch (error: unknown) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}
