import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MembershipModule } from '../membership/membership.module';
import { UsersModule } from '../users/users.module';
import { PaymentWebhookController } from './payment-webhook.controller';
import { PaymentWebhookService } from './payment-webhook.service';
import {
  Payment,
  PaymentSchema,
  PaymentWebhookEvent,
  PaymentWebhookEventSchema,
} from './payment.schema';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { RazorpayClient } from './razorpay.client';

/** Razorpay orders, Checkout verification, status polling and the signed webhook. */
@Module({
  imports: [
    UsersModule,
    MembershipModule,
    MongooseModule.forFeature([
      { name: Payment.name, schema: PaymentSchema },
      { name: PaymentWebhookEvent.name, schema: PaymentWebhookEventSchema },
    ]),
  ],
  controllers: [PaymentsController, PaymentWebhookController],
  providers: [RazorpayClient, PaymentsRepository, PaymentsService, PaymentWebhookService],
  exports: [RazorpayClient, PaymentsRepository],
})
export class PaymentsModule {}
