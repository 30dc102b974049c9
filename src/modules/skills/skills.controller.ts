import { Controller, Get } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { ok } from '../../common/http/api-response';
import PREDEFINED_SKILLS from './skills.json';

@ApiTags('skills')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@Controller('skills')
export class SkillsController {
  @Get()
  @ApiOperation({ summary: 'The predefined skills (chips and feed filters in the SPA), in order' })
  @ApiOkResponse({ description: '`data` is an array of 21 strings' })
  list() {
    return ok('Skills retrieved successfully', PREDEFINED_SKILLS);
  }
}
