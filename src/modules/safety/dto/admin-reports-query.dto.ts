import { IsIn, IsOptional } from 'class-validator';
import { entryRule } from '../../../common/errors/app-error';
import { PageQueryDto } from '../../../common/pagination/page-query.dto';
import { REPORT_STATUSES, type ReportStatus } from '../report.rules';
import { SAFETY_ERRORS } from '../safety.errors';

/** `GET /admin/reports?page=&limit=&status=`. */
export class AdminReportsQueryDto extends PageQueryDto {
  /** Only reports with this status; every report when absent. */
  @IsOptional()
  @IsIn(REPORT_STATUSES, entryRule(SAFETY_ERRORS.reportInvalidStatusFilter))
  status?: ReportStatus;
}
