import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MailQueueModule } from '../mail/mail-queue.module';
import { MembershipModule } from '../membership/membership.module';
import { PaymentCaptureService } from './payment-capture.service';
import {
  Payment,
  PaymentSchema,
  PaymentWebhookEvent,
  PaymentWebhookEventSchema,
} from './payment.schema';
import { PaymentsRepository } from './payments.repository';
import { RazorpayClient } from './razorpay.client';

/**
 * The payments collections, the Razorpay client and the capture path, without routes: what both
 * the API's `PaymentsModule` and the worker's reconciliation job need.
 */
@Module({
  imports: [
    MembershipModule,
    MailQueueModule,
    MongooseModule.forFeature([
      { name: Payment.name, schema: PaymentSchema },
      { name: PaymentWebhookEvent.name, schema: PaymentWebhookEventSchema },
    ]),
  ],
  providers: [RazorpayClient, PaymentsRepository, PaymentCaptureService],
  exports: [RazorpayClient, PaymentsRepository, PaymentCaptureService],
})
export class PaymentsStoreModule {}
