import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../common/decorators/public.decorator';
import { describeErrors } from '../../common/errors/app-error';
import { ok } from '../../common/http/api-response';
import { ErrorResponse, SuccessResponse } from '../../common/http/api-response.docs';
import { PaymentWebhookService } from './payment-webhook.service';
import { PAYMENT_ERRORS } from './payments.errors';

/**
 * Razorpay's webhook: public (no cookie), authenticated by the HMAC of the raw body. Its own
 * controller so the cookie security of the other payment routes does not apply to it.
 */
@ApiTags('payments')
@Controller('payment')
export class PaymentWebhookController {
  constructor(private readonly webhook: PaymentWebhookService) {}

  @Public()
  @Post('webhook')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Razorpay webhook: payment.captured, order.paid, payment.failed',
    description:
      'Signed by Razorpay: `x-razorpay-signature` = lowercase hex HMAC-SHA256 of the raw body with ' +
      'RAZORPAY_WEBHOOK_SECRET (compared in constant time). A capture whose amount and currency equal ' +
      "the order's marks the payment captured (once) and grants the plan (once per payment id). " +
      'Unknown events, unknown orders and amount/currency mismatches answer 200 (logged) so the gateway ' +
      'stops retrying; a replayed `x-razorpay-event-id` answers 200 "Payment already processed".',
  })
  @ApiHeader({
    name: 'x-razorpay-signature',
    required: true,
    description: 'Lowercase hex HMAC-SHA256 of the raw request body, key RAZORPAY_WEBHOOK_SECRET',
  })
  @ApiHeader({
    name: 'x-razorpay-event-id',
    required: false,
    description: 'Delivery id; a delivery already processed is acknowledged and skipped',
  })
  @ApiBody({
    description: 'The Razorpay event (`event`, `payload.payment.entity`), verbatim',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({
    type: SuccessResponse,
    description: 'Webhook processed successfully | Payment already processed',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.invalidWebhookSignature) + ' | Invalid JSON body',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.notConfigured),
  })
  async handle(
    @Req() req: Request & { rawBody?: Buffer },
    @Headers('x-razorpay-signature') signature: unknown,
    @Headers('x-razorpay-event-id') eventId: unknown,
    @Body() body: unknown,
  ) {
    return ok(await this.webhook.handle(req.rawBody, signature, eventId, body));
  }
}
