import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { entryRule } from '../../../common/errors/app-error';
import { UnknownFieldsMessage } from '../../../common/decorators/unknown-fields-message.decorator';
import { PAYMENT_ERRORS } from '../payments.errors';

const missing = entryRule(PAYMENT_ERRORS.missingDetails);

/** What Razorpay Checkout hands the SPA after a payment. */
@UnknownFieldsMessage(PAYMENT_ERRORS.missingDetails)
export class VerifyPaymentDto {
  /** @example order_Q1w2e3 */
  @IsString(missing)
  @IsNotEmpty(missing)
  @MaxLength(64, missing)
  razorpay_order_id!: string;

  /** @example pay_Q1w2e3 */
  @IsString(missing)
  @IsNotEmpty(missing)
  @MaxLength(64, missing)
  razorpay_payment_id!: string;

  /** Lowercase hex HMAC-SHA256 of `<order_id>|<payment_id>` with the key secret. */
  @IsString(missing)
  @IsNotEmpty(missing)
  @MaxLength(128, missing)
  razorpay_signature!: string;
}
