import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ADMIN_BASIC_AUTH } from '../../common/bootstrap/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { describeErrors } from '../../common/errors/app-error';
import { ok } from '../../common/http/api-response';
import { ErrorResponse } from '../../common/http/api-response.docs';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { AdminCredentialsGuard } from './admin-credentials.guard';
import { AdminReportsResponse } from './safety.docs';
import { SAFETY_ERRORS } from './safety.errors';
import { SafetyService } from './safety.service';

/** Only registered when ADMIN_USER and ADMIN_PASSWORD are set; otherwise the path is a 404. */
@ApiTags('admin')
@ApiBasicAuth(ADMIN_BASIC_AUTH)
@Public()
@UseGuards(AdminCredentialsGuard)
@Controller('admin/reports')
export class AdminReportsController {
  constructor(private readonly safety: SafetyService) {}

  @Get()
  @ApiOperation({
    summary: 'Every user report, newest first (administrators)',
    description:
      'HTTP basic authentication with `ADMIN_USER` / `ADMIN_PASSWORD` (the queue dashboard’s); ' +
      'the route does not exist (404) when they are unset. Paginated with `?page=&limit=` ' +
      '(limit ≤ 100, default 100).',
  })
  @ApiOkResponse({ type: AdminReportsResponse, description: 'Reports fetched successfully' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'page/limit validation messages' })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: describeErrors(SAFETY_ERRORS.adminCredentialsRequired),
  })
  async list(@Query() query: PageQueryDto) {
    const { data, pagination } = await this.safety.allReports(query);
    return ok('Reports fetched successfully', data, { pagination });
  }
}
