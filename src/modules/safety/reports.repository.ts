import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import {
  closedReport,
  openReportKey,
  type ReportDecision,
  type ReportReason,
  type ReportStatus,
} from './report.rules';
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

  /** Newest first; every report on the `_id` index, one status on `{ status, _id }`. */
  page(skip: number, limit: number, status?: ReportStatus): Promise<ReportRecord[]> {
    const query = status
      ? this.reports.find({ status }).hint({ status: 1, _id: -1 })
      : this.reports.find({}).hint({ _id: 1 });
    return query.sort({ _id: -1 }).skip(skip).limit(limit).lean<ReportRecord[]>().exec();
  }

  /** A moderator's decision (see `closedReport`); null for an unknown id. Index: `_id`. */
  close(
    reportId: Types.ObjectId,
    decision: { status: ReportDecision; note?: string },
    now: Date,
  ): Promise<ReportRecord | null> {
    return this.reports
      .findOneAndUpdate(
        { _id: reportId },
        { $set: closedReport(reportId.toHexString(), decision, now) },
        { new: true },
      )
      .lean<ReportRecord>()
      .exec();
  }

  /**
   * Account deletion: the reports the user filed stay for moderation but no longer name them:
   * `reporterId` becomes null and `openKey` (which holds their id while open) the report's own id.
   * Batches of `batch`; safe to repeat (a second run matches nothing). Index: `{ reporterId }`.
   */
  async detachReporter(reporterId: Types.ObjectId, batch = 100): Promise<number> {
    let detached = 0;
    for (;;) {
      const rows = await this.reports
        .find({ reporterId }, { _id: 1 })
        .hint({ reporterId: 1 })
        .limit(batch)
        .lean<Pick<ReportRecord, '_id'>[]>()
        .exec();
      if (rows.length === 0) return detached;
      await this.reports.bulkWrite(
        rows.map((row) => ({
          updateOne: {
            filter: { _id: row._id, reporterId },
            update: { $set: { reporterId: null, openKey: row._id.toHexString() } },
          },
        })),
      );
      detached += rows.length;
    }
  }
}
