import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { entryRule } from '../../../common/errors/app-error';
import { MultiLineText } from '../../../common/validation/text.decorators';
import { OptionalNotNull, Trim } from '../../../common/validation/transforms';
import { MAX_REPORT_NOTE_LENGTH, REPORT_DECISIONS, type ReportDecision } from '../report.rules';
import { SAFETY_ERRORS } from '../safety.errors';

/** `PATCH /admin/reports/:reportId`: a moderator's decision. */
export class CloseReportDto {
  /** `resolved`: acted on; `dismissed`: nothing to act on. */
  @IsIn(REPORT_DECISIONS, entryRule(SAFETY_ERRORS.reportInvalidDecision))
  status!: ReportDecision;

  /** Why, for the other moderators (optional; trimmed; line breaks allowed). */
  @ApiPropertyOptional({ maxLength: MAX_REPORT_NOTE_LENGTH })
  @OptionalNotNull()
  @Trim()
  @IsString({ message: 'note must be a string' })
  @MaxLength(MAX_REPORT_NOTE_LENGTH, entryRule(SAFETY_ERRORS.reportNoteTooLong))
  @MultiLineText('note')
  note?: string;
}
