import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { openReportKey, type ReportReason } from './report.rules';
import { Report, ReportRecord } from './report.schema';

/** The only place that queries `reports`; every query names its index. */
@Injectable()
export class ReportsRepository {
  constructor(@InjectModel(Report.name) private readonly reports: Model<Report>) {}

  /**
   * Index: unique `openKey`. A second open report of the pair (even a racing one) fails with a
   * duplicate key error (E11000), which the caller turns into its 409.
   */
  async insert(entry: {
    reporterId: Types.ObjectId;
    targetId: Types.ObjectId;
    reason: ReportReason;
    details: string | null;
    now: Date;
  }): Promise<ReportRecord> {
    const report: ReportRecord = {
      _id: new Types.ObjectId(),
      reporterId: entry.reporterId,
      targetId: entry.targetId,
      reason: entry.reason,
      details: entry.details,
      status: 'open',
      openKey: openReportKey(entry.reporterId.toHexString(), entry.targetId.toHexString()),
      createdAt: entry.now,
    };
    await this.reports.collection.insertOne(report);
    return report;
  }

  /** Index: `_id`. Newest first. */
  page(skip: number, limit: number): Promise<ReportRecord[]> {
    return this.reports
      .find({})
      .sort({ _id: -1 })
      .hint({ _id: 1 })
      .skip(skip)
      .limit(limit)
      .lean<ReportRecord[]>()
      .exec();
  }
}
