import { Body, Controller, Get, Param, Patch, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Types } from 'mongoose';
import { ADMIN_BASIC_AUTH } from '../../common/bootstrap/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { describeErrors, errorMessage } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ApiObjectIdParam } from '../../common/http/api-params.docs';
import { ErrorResponse } from '../../common/http/api-response.docs';
import { ParseObjectIdPipe } from '../../common/pipes/parse-object-id.pipe';
import { AdminCredentialsGuard } from './admin-credentials.guard';
import { AdminReportsQueryDto } from './dto/admin-reports-query.dto';
import { CloseReportDto } from './dto/close-report.dto';
import { AdminReportResponse, AdminReportsResponse } from './safety.docs';
import { SAFETY_ERRORS } from './safety.errors';
import { SafetyService } from './safety.service';

/** Only registered when ADMIN_USER and ADMIN_PASSWORD are set; otherwise the paths are a 404. */
@ApiTags('admin')
@ApiBasicAuth(ADMIN_BASIC_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(SAFETY_ERRORS.adminCredentialsRequired),
})
@Public()
@UseGuards(AdminCredentialsGuard)
@Controller('admin/reports')
export class AdminReportsController {
  constructor(private readonly safety: SafetyService) {}

  @Get()
  @ApiOperation({
    summary: 'User reports, newest first (administrators)',
    description:
      'HTTP basic authentication with `ADMIN_USER` / `ADMIN_PASSWORD` (the queue dashboard’s); ' +
      'the route does not exist (404) when they are unset. Paginated with `?page=&limit=` ' +
      '(limit ≤ 100, default 100); `?status=open|resolved|dismissed` lists only those, ' +
      'otherwise every report.',
  })
  @ApiOkResponse({ type: AdminReportsResponse, description: 'Reports fetched successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      SAFETY_ERRORS.reportInvalidStatusFilter,
      'page/limit validation messages',
    ),
  })
  async list(@Query() query: AdminReportsQueryDto) {
    const { data, pagination } = await this.safety.allReports(query);
    return ok('Reports fetched successfully', data, { pagination });
  }

  @Patch(':reportId')
  @ApiOperation({
    summary: 'Close a report: resolved or dismissed, with an optional note (administrators)',
    description:
      'Stores the decision, the note (≤ 1,000 characters, trimmed, line breaks allowed) and ' +
      '`resolvedAt`; the reporter may then report the same user again. Deciding again ' +
      'replaces the decision, note and date. Same authentication as `GET /admin/reports`.',
  })
  @ApiObjectIdParam('reportId', 'The report')
  @ApiOkResponse({ type: AdminReportResponse, description: 'Report closed' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      errorMessage(COMMON_ERRORS.invalidId, 'reportId'),
      SAFETY_ERRORS.reportInvalidDecision,
      SAFETY_ERRORS.reportNoteTooLong,
      'other validation messages of the body (unknown fields, a note that is not a string)',
    ),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: describeErrors(SAFETY_ERRORS.reportNotFound),
  })
  async close(
    @Param('reportId', new ParseObjectIdPipe('reportId')) reportId: Types.ObjectId,
    @Body() body: CloseReportDto,
  ) {
    return ok('Report closed', await this.safety.closeReport(reportId, body));
  }
}
