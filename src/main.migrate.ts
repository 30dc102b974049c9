import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig } from './config/app-config';
import { loadConfigOrExit } from './config/load-config-or-exit';
import { InfrastructureModule } from './infrastructure.module';
import { MigrationRunner } from './modules/migrations/migration-runner';
import { MigrationsModule } from './modules/migrations/migrations.module';

@Module({})
class MigrateModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MigrateModule,
      imports: [InfrastructureModule.forRoot(config, 'migrate'), MigrationsModule],
    };
  }
}

/**
 * `npm run migrate`: applies pending data migrations once, then exits (0 when all are applied).
 * Run before the API starts (compose and start:local do); safe to run twice or concurrently.
 */
async function migrate(): Promise<void> {
  const config = loadConfigOrExit('migrate');
  const app = await NestFactory.createApplicationContext(MigrateModule.forRoot(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  const outcomes = await app.get(MigrationRunner).runPending();
  logger.log({ msg: 'Migrations done', migrations: outcomes });
  await app.close();
}

migrate().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', process: 'migrate', msg: 'Migration failed', err: String((error as Error)?.stack ?? error) })}\n`,
  );
  process.exit(1);
});
