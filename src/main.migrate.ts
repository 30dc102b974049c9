import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { createLoggedContext, exitWithFatal } from './common/bootstrap/application-context';
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
  const { app, logger } = await createLoggedContext(MigrateModule.forRoot(config));
  const outcomes = await app.get(MigrationRunner).runPending();
  logger.log({ msg: 'Migrations done', migrations: outcomes });
  await app.close();
}

migrate().catch(exitWithFatal('migrate', 'Migration failed'));
