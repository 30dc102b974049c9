import { Controller, Get } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { describeErrors } from '../../common/errors/app-error';
import { PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ErrorResponse } from '../../common/http/api-response.docs';
import { SkillsResponse } from './skills.docs';
import PREDEFINED_SKILLS from './skills.json';

@ApiTags('skills')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS),
})
@Controller('skills')
export class SkillsController {
  @Get()
  @ApiOperation({ summary: 'The predefined skills (chips and feed filters in the SPA), in order' })
  @ApiOkResponse({ type: SkillsResponse, description: 'Skills retrieved successfully' })
  list() {
    return ok('Skills retrieved successfully', PREDEFINED_SKILLS);
  }
}
