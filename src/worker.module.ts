import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { InfrastructureModule } from './infrastructure.module';
import { ScheduleModule } from '@nestjs/schedule';
import { SessionCleanupModule } from './modules/auth/session-cleanup.module';
import { DigestModule } from './modules/digest/digest.module';
import { MailModule } from './modules/mail/mail.module';
import { MembershipJobsModule } from './modules/membership/membership-jobs.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { PaymentJobsModule } from './modules/payments/payment-jobs.module';
import { WorkerHealthModule } from './modules/worker-health/worker-health.module';

/** The background worker: the same infrastructure as the API, no HTTP; hosts queue processors. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        InfrastructureModule.forRoot(config, 'worker'),
        MetricsModule.forRoot(config, 'worker'),
        ScheduleModule.forRoot(),
        MailModule,
        SessionCleanupModule,
        DigestModule,
        PaymentJobsModule,
        MembershipJobsModule,
        WorkerHealthModule,
      ],
    };
  }
}
