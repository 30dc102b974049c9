import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { InfrastructureModule } from './infrastructure.module';
import { MailModule } from './modules/mail/mail.module';
import { MissedMessagesWorkerModule } from './modules/missed-messages/missed-messages-worker.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { ScheduledJobsModule } from './modules/scheduled-jobs/scheduled-jobs.module';
import { WorkerHealthModule } from './modules/worker-health/worker-health.module';

/** The background worker: the same infrastructure as the API, no HTTP; hosts queue processors and the scheduled jobs. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        InfrastructureModule.forRoot(config, 'worker'),
        MetricsModule.forRoot(config, 'worker'),
        MailModule,
        ScheduledJobsModule,
        MissedMessagesWorkerModule,
        WorkerHealthModule,
      ],
    };
  }
}
