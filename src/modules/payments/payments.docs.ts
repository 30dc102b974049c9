import { ApiProperty } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import { SelfUserDoc } from '../users/user.docs';
import { PAYMENT_STATUSES } from './payment-rules';
import type { CreatedOrderView } from './payments.service';

/** What the SPA passes to Razorpay Checkout. */
@Describes<CreatedOrderView>()
export class CreatedOrderDoc {
  /** The gateway order id. @example order_Q1w2e3 */
  orderId!: string;
  /** Paise (rupees × 100). @example 49900 */
  @ApiProperty({ type: 'integer' })
  amount!: number;
  /** @example INR */
  currency!: string;
  /** The public Razorpay key id (RAZORPAY_KEY_ID). */
  keyId!: string;
}

export class CreatedOrderResponse extends SuccessResponse {
  data!: CreatedOrderDoc;
}

/** Payment status polling (contract §3.7, §9.6 M1). */
export class PaymentStatusResponse extends SuccessResponse {
  /** The payment's status. */
  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: string;
  /** True once the payment is captured (the SPA stops polling and stores `user`). */
  ready!: boolean;
  /** The caller's self view, only when ready. */
  user?: SelfUserDoc;
  /** Same as `user`, only when ready. */
  data?: SelfUserDoc;
}
