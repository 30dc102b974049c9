import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { InfrastructureMetrics } from './infrastructure.metrics';
import { MetricsTokenGuard } from './metrics-token.guard';
import { METRICS_REGISTRY, MetricsProcess } from './metrics.constants';
import { MetricsController } from './metrics.controller';
import { createRegistry } from './metrics.registry';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics for one process (global: features inject `MetricsService`). The API serves
 * them at GET /metrics when `METRICS_TOKEN` is set (otherwise the route does not exist: 404);
 * the worker serves its own registry on its health port (worker-health module).
 */
@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig, process: MetricsProcess): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: process === 'api' && config.ops.metricsToken ? [MetricsController] : [],
      providers: [
        { provide: METRICS_REGISTRY, useFactory: () => createRegistry(process) },
        MetricsService,
        InfrastructureMetrics,
        MetricsTokenGuard,
      ],
      exports: [MetricsService, METRICS_REGISTRY],
    };
  }
}
