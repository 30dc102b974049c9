import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { entryRule } from '../../../common/errors/app-error';
import { MultiLineText } from '../../../common/validation/text.decorators';
import { OptionalNotNull, Trim } from '../../../common/validation/transforms';
import { MAX_REPORT_DETAILS_LENGTH, REPORT_REASONS, type ReportReason } from '../report.rules';
import { SAFETY_ERRORS } from '../safety.errors';

/** `POST /user/report/:userId`. */
export class ReportDto {
  /** Why you report this user. */
  @IsIn(REPORT_REASONS, entryRule(SAFETY_ERRORS.reportInvalidReason))
  reason!: ReportReason;

  /** What happened, in your words (optional; trimmed; line breaks allowed). */
  @ApiPropertyOptional({ maxLength: MAX_REPORT_DETAILS_LENGTH })
  @OptionalNotNull()
  @Trim()
  @IsString({ message: 'details must be a string' })
  @MaxLength(MAX_REPORT_DETAILS_LENGTH, entryRule(SAFETY_ERRORS.reportDetailsTooLong))
  @MultiLineText('details')
  details?: string;
}
