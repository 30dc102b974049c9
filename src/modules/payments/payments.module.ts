import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { UsersModule } from '../users/users.module';
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
    MongooseModule.forFeature([
      { name: Payment.name, schema: PaymentSchema },
      { name: PaymentWebhookEvent.name, schema: PaymentWebhookEventSchema },
    ]),
  ],
  controllers: [PaymentsController],
  providers: [RazorpayClient, PaymentsRepository, PaymentsService],
  exports: [RazorpayClient, PaymentsRepository],
})
export class PaymentsModule {}
