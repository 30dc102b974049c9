import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { BlocksStoreModule } from '../blocks/blocks-store.module';
import { ConnectionsModule } from '../connections/connections.module';
import { PresenceModule } from '../presence/presence.module';
import { UsersModule } from '../users/users.module';
import { AdminCredentialsGuard } from './admin-credentials.guard';
import { AdminReportsController } from './admin-reports.controller';
import { ReportLimiter } from './report-limiter';
import { ReportsStoreModule } from './reports-store.module';
import { SafetyController } from './safety.controller';
import { SafetyService } from './safety.service';

/**
 * Blocking and reporting: `/user/block/:userId`, `/user/blocked`, `/user/report/:userId`, and
 * `GET /admin/reports`, `PATCH /admin/reports/:reportId` when the admin credentials are set
 * (otherwise those paths are a 404).
 */
@Module({})
export class SafetyModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SafetyModule,
      imports: [
        BlocksStoreModule,
        ConnectionsModule,
        UsersModule,
        PresenceModule,
        ReportsStoreModule,
      ],
      controllers: [
        SafetyController,
        ...(config.ops.queueDashboard ? [AdminReportsController] : []),
      ],
      providers: [SafetyService, ReportLimiter, AdminCredentialsGuard],
    };
  }
}
