import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  REPORT_REASONS,
  REPORT_STATUSES,
  type ReportReason,
  type ReportStatus,
} from './report.rules';

/** A user's report about another (collection `reports`), read by the admins' list. */
@Schema({ collection: 'reports', versionKey: false })
export class Report {
  /** Null once the reporter deleted their account: the report stays for moderation. */
  @Prop({ type: Types.ObjectId, default: null })
  reporterId!: Types.ObjectId | null;

  @Prop({ type: Types.ObjectId, required: true })
  targetId!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: REPORT_REASONS })
  reason!: ReportReason;

  @Prop({ type: String, default: null })
  details!: string | null;

  @Prop({ type: String, required: true, enum: REPORT_STATUSES })
  status!: ReportStatus;

  /** The moderator's note with their decision (absent on reports never decided). */
  @Prop({ type: String, default: null })
  note?: string | null;

  /** When a moderator decided (absent on open reports). */
  @Prop({ type: Date, default: null })
  resolvedAt?: Date | null;

  /**
   * `openReportKey(reporter, target)` while open (report.rules.ts); the report's id once closed or
   * once the reporter's account is gone.
   */
  @Prop({ type: String, required: true })
  openKey!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}

export type ReportRecord = Report & { _id: Types.ObjectId };

export const ReportSchema = SchemaFactory.createForClass(Report);
ReportSchema.index({ openKey: 1 }, { unique: true }); // one open report per reporter and target
ReportSchema.index({ reporterId: 1 }); // account deletion: the reports a user filed
ReportSchema.index({ status: 1, _id: -1 }); // the admins' list of one status, newest first
// The admins' full list is newest first on the `_id` index.
