import { BullModule } from '@nestjs/bullmq';
import {
  DynamicModule,
  Global,
  Inject,
  MiddlewareConsumer,
  Module,
  NestModule,
  RequestMethod,
} from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { IndexBootstrapService } from './common/database/index-bootstrap.service';
import type { Logger as PinoLogger } from 'pino';
import { createRootLogger, loggerOptions, type ProcessName } from './common/logging/logger.options';
import { requestLogMiddleware } from './common/logging/request-log.middleware';
import { redisOptionsFromUrl } from './common/redis/redis-options';
import { reconnectDelayMs, RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/app-config';

/**
 * The infrastructure both processes share: typed config, structured logging, MongoDB (with
 * indexes ensured at boot), Redis and the BullMQ connection. The API and the worker each import
 * it once and add their own feature modules.
 */
const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Global()
@Module({})
export class InfrastructureModule implements NestModule {
  constructor(@Inject(ROOT_LOGGER) private readonly rootLogger: PinoLogger) {}

  static forRoot(config: AppConfig, processName: ProcessName): DynamicModule {
    const rootLogger = createRootLogger(config, processName);
    return {
      module: InfrastructureModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(rootLogger)),
        MongooseModule.forRoot(config.mongo.uri, {
          dbName: config.mongo.dbName,
          autoIndex: false,
          autoCreate: false,
          serverSelectionTimeoutMS: 5000,
          // Command events with their duration, for the latency histogram (metrics module).
          monitorCommands: true,
        }),
        BullModule.forRoot({
          // Reconnect every ≤ 2 s (BullMQ's default backs off to 20 s), so queues and workers
          // resume soon after a Redis outage.
          connection: { ...redisOptionsFromUrl(config.redis.url), retryStrategy: reconnectDelayMs },
          prefix: `${config.redis.keyPrefix}:bull`,
        }),
        RedisModule,
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: ROOT_LOGGER, useValue: rootLogger },
        IndexBootstrapService,
      ],
      exports: [AppConfig],
    };
  }

  /** HTTP only (the worker has no middleware): the request log context and request lines. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(requestLogMiddleware(this.rootLogger))
      .forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}
