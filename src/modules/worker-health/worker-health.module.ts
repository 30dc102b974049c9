import { Module } from '@nestjs/common';
import { MailQueueModule } from '../mail/mail-queue.module';
import { ScheduledQueueModule } from '../scheduled-jobs/scheduled-queue.module';
import { WorkerHealthServer } from './worker-health.server';
import { WorkerHealthService } from './worker-health.service';

/** The worker's health and metrics endpoint (worker process only; needs MetricsModule). */
@Module({
  imports: [MailQueueModule, ScheduledQueueModule],
  providers: [WorkerHealthService, WorkerHealthServer],
})
export class WorkerHealthModule {}
