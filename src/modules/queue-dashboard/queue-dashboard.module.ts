import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule, type BullBoardModuleOptions } from '@bull-board/nestjs';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { MailQueueModule } from '../mail/mail-queue.module';
import { MissedMessagesQueueModule } from '../missed-messages/missed-messages-queue.module';
import { MISSED_MESSAGES_QUEUE } from '../missed-messages/missed-messages.constants';
import { EMAIL_QUEUE } from '../mail/mail.constants';
import { SCHEDULED_QUEUE } from '../scheduled-jobs/scheduled-jobs.constants';
import { ScheduledQueueModule } from '../scheduled-jobs/scheduled-queue.module';
import { basicAuthMiddleware } from './queue-dashboard.auth';

/**
 * @bull-board/express 9.10.1 ships its own @bull-board/api 9.10.1 beside our 9.10.2: the same
 * adapter at runtime, two copies of its types (a private field differs), hence the cast.
 */
const expressAdapter = ExpressAdapter as unknown as BullBoardModuleOptions['adapter'];

/** Where Bull Board is served (under GLOBAL_PREFIX when one is set). */
export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/**
 * Bull Board (API process) at /admin/queues: every queue's jobs by state, a failed job's data,
 * error and stack, and retry / promote / clean. Behind HTTP basic authentication with
 * `ADMIN_USER` / `ADMIN_PASSWORD`; without them nothing is mounted (the path answers 404).
 */
@Module({})
export class QueueDashboardModule {
  static forRoot(config: AppConfig): DynamicModule {
    const credentials = config.ops.queueDashboard;
    if (!credentials) return { module: QueueDashboardModule };
    return {
      module: QueueDashboardModule,
      imports: [
        MailQueueModule,
        ScheduledQueueModule,
        MissedMessagesQueueModule,
        BullBoardModule.forRoot({
          route: QUEUE_DASHBOARD_ROUTE,
          adapter: expressAdapter,
          middleware: basicAuthMiddleware(credentials),
          boardOptions: { uiConfig: { boardTitle: 'DevLink queues' } },
        }),
        BullBoardModule.forFeature(
          { name: EMAIL_QUEUE, adapter: BullMQAdapter },
          { name: SCHEDULED_QUEUE, adapter: BullMQAdapter },
          { name: MISSED_MESSAGES_QUEUE, adapter: BullMQAdapter },
        ),
      ],
    };
  }
}
