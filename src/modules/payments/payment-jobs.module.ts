import { Module } from '@nestjs/common';
import { PaymentReconciliationService } from './payment-reconciliation.service';
import { PaymentsModule } from './payments.module';

/** The worker's payment job (run by scheduled-jobs): reconciliation of lost webhooks. */
@Module({
  imports: [PaymentsModule],
  providers: [PaymentReconciliationService],
  exports: [PaymentReconciliationService],
})
export class PaymentJobsModule {}
