import { Module } from '@nestjs/common';
import { PaymentReconciliationService } from './payment-reconciliation.service';
import { PaymentsStoreModule } from './payments-store.module';

/** The worker's payment job (run by scheduled-jobs): reconciliation of lost webhooks; no routes. */
@Module({
  imports: [PaymentsStoreModule],
  providers: [PaymentReconciliationService],
  exports: [PaymentReconciliationService],
})
export class PaymentJobsModule {}
