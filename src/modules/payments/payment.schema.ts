/*
 * Collection `payments` (contract §4.4) — one document per gateway order:
 *   userId, orderId (unique), paymentId (null until verify / webhook), amount (paise), currency,
 *   receipt, membershipType, billingCycle, status (created → authorized → captured | failed; rules
 *   in payment-rules.ts), notes (what the gateway order carries), createdAt/updatedAt, __v;
 *   accountDeletedAt once its user deleted their account (then `userId` is DETACHED_USER_ID and
 *   the notes hold no personal field: the row stays for accounting).
 *   Indexes: unique { orderId: 1 } (webhook, reconciliation); { userId: 1, orderId: 1 } (verify,
 *   status polling: the caller's own order); { status: 1, createdAt: 1 } (stale orders).
 *
 * Collection `paymentwebhookevents` — one document per processed webhook delivery id
 * (`x-razorpay-event-id`), so a replay of the same event is acknowledged without re-applying it:
 *   eventId (unique), event, orderId, createdAt.
 */
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  BILLING_CYCLES,
  MEMBERSHIP_TYPES,
  type BillingCycle,
  type MembershipType,
} from '../plans/plans';
import { PAYMENT_STATUSES, type PaymentStatus } from './payment-rules';

export const PAYMENTS_COLLECTION = 'payments';

/** The `userId` of payments whose user deleted their account: no user has it. */
export const DETACHED_USER_ID = new Types.ObjectId('000000000000000000000000');

/** Keys of `notes` that name a person; removed when the account is deleted. */
export const PERSONAL_NOTE_KEYS = ['userId', 'emailId', 'email', 'name', 'firstName', 'lastName'];
export const WEBHOOK_EVENTS_COLLECTION = 'paymentwebhookevents';

@Schema({ collection: PAYMENTS_COLLECTION, timestamps: true })
export class Payment {
  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  orderId!: string;

  @Prop({ type: String, default: null })
  paymentId!: string | null;

  @Prop({ type: Number, required: true })
  amount!: number;

  @Prop({ type: String, required: true })
  currency!: string;

  @Prop({ type: String, required: true })
  receipt!: string;

  @Prop({ type: String, enum: MEMBERSHIP_TYPES })
  membershipType!: MembershipType;

  @Prop({ type: String, enum: BILLING_CYCLES })
  billingCycle!: BillingCycle;

  @Prop({ type: String, enum: PAYMENT_STATUSES, default: 'created' })
  status!: PaymentStatus;

  @Prop({ type: Object, default: {} })
  notes!: Record<string, string>;

  /** Set when the user deleted their account and the row was detached from them. */
  @Prop({ type: Date, default: undefined })
  accountDeletedAt?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export type PaymentRecord = Payment & { _id: Types.ObjectId; __v?: number };

export const PaymentSchema = SchemaFactory.createForClass(Payment);
PaymentSchema.index({ orderId: 1 }, { unique: true }); // webhook and reconciliation: by order id
PaymentSchema.index({ userId: 1, orderId: 1 }); // verify and status polling: the caller's order
PaymentSchema.index({ status: 1, createdAt: 1 }); // reconciliation: orders left open

@Schema({ collection: WEBHOOK_EVENTS_COLLECTION, versionKey: false })
export class PaymentWebhookEvent {
  @Prop({ type: String, required: true })
  eventId!: string;

  @Prop({ type: String, required: true })
  event!: string;

  @Prop({ type: String, default: null })
  orderId!: string | null;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}

export const PaymentWebhookEventSchema = SchemaFactory.createForClass(PaymentWebhookEvent);
PaymentWebhookEventSchema.index({ eventId: 1 }, { unique: true }); // a delivery id is applied once
