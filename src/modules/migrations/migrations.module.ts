import { Module } from '@nestjs/common';
import { MigrationRunner, MIGRATIONS_TOKEN } from './migration-runner';
import { MIGRATIONS } from './migrations';

/** The data migrations and their runner; imported only by the `migrate` entry point. */
@Module({
  providers: [MigrationRunner, { provide: MIGRATIONS_TOKEN, useValue: MIGRATIONS }],
  exports: [MigrationRunner],
})
export class MigrationsModule {}
