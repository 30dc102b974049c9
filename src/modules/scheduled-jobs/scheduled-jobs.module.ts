import { Module } from '@nestjs/common';
import { SessionCleanupModule } from '../auth/session-cleanup.module';
import { DigestModule } from '../digest/digest.module';
import { MembershipJobsModule } from '../membership/membership-jobs.module';
import { NotificationCleanupModule } from '../notifications/notification-cleanup.module';
import { PaymentJobsModule } from '../payments/payment-jobs.module';
import { ScheduledJobsProcessor } from './scheduled-jobs.processor';
import { ScheduledJobsService } from './scheduled-jobs.service';
import { ScheduledQueueModule } from './scheduled-queue.module';

/**
 * The worker's scheduled jobs: BullMQ job schedulers on the `scheduled` queue (written at boot)
 * and the processor that runs each job through its feature's service. Worker process only.
 */
@Module({
  imports: [
    ScheduledQueueModule,
    DigestModule,
    MembershipJobsModule,
    PaymentJobsModule,
    SessionCleanupModule,
    NotificationCleanupModule,
  ],
  providers: [ScheduledJobsService, ScheduledJobsProcessor],
})
export class ScheduledJobsModule {}
