import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Report, ReportSchema } from './report.schema';
import { ReportsRepository } from './reports.repository';

/**
 * The `reports` collection: written and listed by the safety routes, detached from a reporter by
 * the account deletion. Imports no feature.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: Report.name, schema: ReportSchema }])],
  providers: [ReportsRepository],
  exports: [ReportsRepository],
})
export class ReportsStoreModule {}
