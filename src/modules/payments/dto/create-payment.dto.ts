import { IsIn } from 'class-validator';
import { entryRule } from '../../../common/errors/app-error';
import { UnknownFieldsMessage } from '../../../common/decorators/unknown-fields-message.decorator';
import { BILLING_CYCLES, type BillingCycle } from '../../plans/plans';
import { PAYMENT_ERRORS } from '../payments.errors';
import type { PaidPlan } from '../payments.service';

const invalid = entryRule(PAYMENT_ERRORS.invalidInput);

/** A paid plan and its cycle; `FREE` or anything else is `400 Invalid input`. */
@UnknownFieldsMessage(PAYMENT_ERRORS.invalidInput)
export class CreatePaymentDto {
  /** The plan to buy. */
  @IsIn(['PRO', 'ELITE'], invalid)
  membershipType!: PaidPlan;

  /** How long it runs. */
  @IsIn(BILLING_CYCLES, invalid)
  billingCycle!: BillingCycle;
}
