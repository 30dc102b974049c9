import { ApiProperty } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import { PageInfoDoc } from '../../common/pagination/page-info.docs';
import { RequestUserDoc, SafeUserDoc } from '../users/user.docs';
import { REPORT_REASONS, REPORT_STATUSES } from './report.rules';
import type { AdminReportView, BlockView, ReportView } from './safety.service';

@Describes<BlockView>()
export class BlockDoc {
  /** The blocked user. @example 665f1c2e9b1e8a3d4c5b6a7f */
  userId!: string;
  /** When the block was first made (blocking again keeps it). */
  @ApiProperty({ format: 'date-time' })
  blockedAt!: string;
}

export class BlockResponse extends SuccessResponse {
  data!: BlockDoc;
}

export class BlockedUsersResponse extends SuccessResponse {
  /** The users you blocked, most recent block first (accounts that no longer exist are left out). */
  data!: SafeUserDoc[];
  pagination!: PageInfoDoc;
}

@Describes<ReportView>()
export class ReportDoc {
  _id!: string;
  @ApiProperty({ enum: REPORT_REASONS })
  reason!: ReportView['reason'];
  /** Null when none were given. */
  @ApiProperty({ type: String, nullable: true })
  details!: string | null;
  @ApiProperty({ enum: REPORT_STATUSES })
  status!: ReportView['status'];
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class ReportResponse extends SuccessResponse {
  data!: ReportDoc;
}

@Describes<AdminReportView>()
export class AdminReportDoc extends ReportDoc {
  /** Null once the reporter deleted their account (the report stays). */
  @ApiProperty({ type: String, nullable: true })
  reporterId!: string | null;
  targetId!: string;
  /** Who reported; null once the account is gone. */
  @ApiProperty({ type: RequestUserDoc, nullable: true })
  reporter!: RequestUserDoc | null;
  /** Who was reported; null once the account is gone. */
  @ApiProperty({ type: RequestUserDoc, nullable: true })
  target!: RequestUserDoc | null;
  /** The moderator's note; null when none was given or the report is open. */
  @ApiProperty({ type: String, nullable: true })
  note!: string | null;
  /** When a moderator decided; null while open. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt!: string | null;
}

export class AdminReportResponse extends SuccessResponse {
  data!: AdminReportDoc;
}

export class AdminReportsResponse extends SuccessResponse {
  /** Newest first. */
  data!: AdminReportDoc[];
  pagination!: PageInfoDoc;
}
