import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { AuthenticatedUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { describeErrors, errorMessage } from '../../common/errors/app-error';
import { PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ErrorResponse, SuccessResponse } from '../../common/http/api-response.docs';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { VerifyPaymentDto } from './dto/verify-payment.dto';
import { CreatedOrderResponse, PaymentStatusResponse } from './payments.docs';
import { PAYMENT_ERRORS } from './payments.errors';
import { PaymentsService } from './payments.service';

const NOT_CONFIGURED = {
  type: ErrorResponse,
  description: describeErrors(PAYMENT_ERRORS.notConfigured),
};

/** Razorpay Checkout for PRO and ELITE (contract §3.7). */
@ApiTags('payments')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS),
})
@ApiServiceUnavailableResponse(NOT_CONFIGURED)
@Controller('payment')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('create')
  @ApiOperation({
    summary: 'Create a Razorpay order for PRO or ELITE (MONTHLY or YEARLY)',
    description:
      'Amount from the plan table in paise, currency INR, notes { userId, membershipType, billingCycle }. ' +
      'The payments row (status `created`) is stored before answering. Same route as POST /payment/order.',
  })
  @ApiCreatedResponse({ type: CreatedOrderResponse, description: 'Payment created successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.invalidInput),
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: describeErrors(
      errorMessage(PAYMENT_ERRORS.lowerTier, '<plan>', '<expiry>') +
        ' (body also carries currentPlan and membershipExpiry)',
    ),
  })
  @ApiBadGatewayResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.gatewayFailed),
  })
  async create(@CurrentUser() caller: AuthenticatedUser, @Body() body: CreatePaymentDto) {
    return ok(
      'Payment created successfully',
      await this.payments.createOrder(caller.userId, body.membershipType, body.billingCycle),
    );
  }

  @Post('order')
  @ApiOperation({ summary: 'Same as POST /payment/create (the name the product docs use)' })
  @ApiCreatedResponse({ type: CreatedOrderResponse, description: 'Payment created successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.invalidInput),
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: errorMessage(PAYMENT_ERRORS.lowerTier, '<plan>', '<expiry>'),
  })
  @ApiBadGatewayResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.gatewayFailed),
  })
  order(@CurrentUser() caller: AuthenticatedUser, @Body() body: CreatePaymentDto) {
    return this.create(caller, body);
  }

  @Post('verify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Verify Checkout's signature for the caller's own order",
    description:
      'HMAC-SHA256 of `<order_id>|<payment_id>` with the key secret, compared in constant time. Marks ' +
      'the order `authorized` unless it is already `captured` or `failed`. Does not change membership: ' +
      'the signed webhook does.',
  })
  @ApiOkResponse({ type: SuccessResponse, description: 'Payment verified successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.missingDetails, PAYMENT_ERRORS.invalidSignature),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.notFound),
  })
  async verify(@CurrentUser() caller: AuthenticatedUser, @Body() body: VerifyPaymentDto) {
    await this.payments.verify(
      caller.userId,
      body.razorpay_order_id,
      body.razorpay_payment_id,
      body.razorpay_signature,
    );
    return ok('Payment verified successfully');
  }

  @Get('status/:orderId')
  @ApiOperation({
    summary: "Poll one of the caller's orders (the SPA polls every 2 s)",
    description:
      "`ready` is true once the payment is captured; then `user` and `data` carry the caller's self " +
      'view with the new plan.',
  })
  @ApiParam({ name: 'orderId', description: 'The gateway order id from POST /payment/create' })
  @ApiOkResponse({
    type: PaymentStatusResponse,
    description: 'Payment status retrieved successfully',
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(PAYMENT_ERRORS.notFound),
  })
  async status(@CurrentUser() caller: AuthenticatedUser, @Param('orderId') orderId: string) {
    const { status, ready, user } = await this.payments.status(caller.userId, orderId);
    return ok('Payment status retrieved successfully', user, { status, ready, user });
  }
}
