import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { PaymentWebhookController } from './payment-webhook.controller';
import { PaymentWebhookService } from './payment-webhook.service';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { PaymentsStoreModule } from './payments-store.module';

/** Razorpay orders, Checkout verification, status polling and the signed webhook (API only). */
@Module({
  imports: [UsersModule, PaymentsStoreModule],
  controllers: [PaymentsController, PaymentWebhookController],
  providers: [PaymentsService, PaymentWebhookService],
})
export class PaymentsModule {}
