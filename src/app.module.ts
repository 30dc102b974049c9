import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { AppConfig } from './config/app-config';
import { InfrastructureModule } from './infrastructure.module';
import { RateLimitModule } from './common/throttling/rate-limit.module';
import { AuthModule } from './modules/auth/auth.module';
import { ChatModule } from './modules/chat/chat.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { FeedModule } from './modules/feed/feed.module';
import { HealthModule } from './modules/health/health.module';
import { MembershipModule } from './modules/membership/membership.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { PaymentsModule } from './modules/payments/payments.module';
import { PresenceModule } from './modules/presence/presence.module';
import { QueueDashboardModule } from './modules/queue-dashboard/queue-dashboard.module';
import { RequestsModule } from './modules/requests/requests.module';
import { ProfileModule } from './modules/profile/profile.module';
import { SafetyModule } from './modules/safety/safety.module';
import { SkillsModule } from './modules/skills/skills.module';

/** The HTTP API, with Socket.io on the same server. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config, 'api'),
        MetricsModule.forRoot(config, 'api'),
        RateLimitModule,
        HealthModule,
        AuthModule,
        ProfileModule,
        SkillsModule,
        FeedModule,
        RequestsModule,
        PresenceModule,
        ChatModule,
        NotificationsModule,
        MembershipModule,
        PaymentsModule,
        QueueDashboardModule.forRoot(config),
        SafetyModule.forRoot(config),
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
