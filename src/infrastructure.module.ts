import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { IndexBootstrapService } from './modules/migrations/index-bootstrap.service';
import { createRootLogger, loggerOptions, type ProcessName } from './common/logging/logger.options';
import { redisOptionsFromUrl } from './common/redis/redis-options';
import { reconnectDelayMs, RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/app-config';

/** The process's root pino logger (the HTTP request log binds a child per request). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * The infrastructure both processes share: typed config, structured logging, MongoDB (with
 * indexes ensured at boot), Redis and the BullMQ connection. The API and the worker each import
 * it once and add their own feature modules.
 */
@Global()
@Module({})
export class InfrastructureModule {
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
      exports: [AppConfig, ROOT_LOGGER],
    };
  }
}
