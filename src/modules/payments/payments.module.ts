import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MailQueueModule } from '../mail/mail-queue.module';
import { MembershipModule } from '../membership/membership.module';
import { UsersModule } from '../users/users.module';
import { PaymentCaptureService } from './payment-capture.service';
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
    MailQueueModule,
    MongooseModule.forFeature([
      { name: Payment.name, schema: PaymentSchema },
      { name: PaymentWebhookEvent.name, schema: PaymentWebhookEventSchema },
    ]),
  ],
  controllers: [PaymentsController, PaymentWebhookController],
  providers: [
    RazorpayClient,
    PaymentsRepository,
    PaymentsService,
    PaymentCaptureService,
    PaymentWebhookService,
  ],
  exports: [RazorpayClient, PaymentsRepository, PaymentCaptureService],
})
export class PaymentsModule {}
