import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { describeErrors } from '../../common/errors/app-error';
import { ok } from '../../common/http/api-response';
import {
  ErrorResponse,
  RateLimitedResponse,
  SuccessResponse,
} from '../../common/http/api-response.docs';
import { RateLimit } from '../../common/throttling/rate-limits';
import { weakPasswordMessage } from '../../common/validation/text.decorators';
import { AccountRecoveryService } from './account-recovery.service';
import { AUTH_ERRORS } from './auth.errors';
import { ForgotPasswordDto } from './dto/forgot-password.dto';
import { ResetPasswordDto } from './dto/reset-password.dto';

export const FORGOT_PASSWORD_MESSAGE =
  'If an account exists for this email, a password reset link has been sent.';

@ApiTags('auth')
@Public()
@Controller('auth/password')
export class AccountRecoveryController {
  constructor(private readonly recovery: AccountRecoveryService) {}

  @Post('forgot')
  @HttpCode(HttpStatus.OK)
  @RateLimit('passwordForgot')
  @ApiOperation({
    summary: 'Email a single-use password reset link, valid 30 minutes',
    description:
      'Same answer whether or not the account exists. The link is FRONTEND_URL/reset-password?token=…',
  })
  @ApiOkResponse({ type: SuccessResponse, description: FORGOT_PASSWORD_MESSAGE })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'emailId must be a string | Invalid Email',
  })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description: 'Per 15 minutes: 3 per email address (known or not), 10 per IP',
  })
  async forgot(@Body() dto: ForgotPasswordDto) {
    await this.recovery.forgot(dto.emailId);
    return ok(FORGOT_PASSWORD_MESSAGE);
  }

  @Post('reset')
  @HttpCode(HttpStatus.OK)
  @RateLimit('passwordReset')
  @ApiOperation({
    summary: 'Set a new password with the emailed token; signs out every device',
    description:
      'The password follows the signup rules. Every session of the account is revoked (their ' +
      'access tokens stop working at once, their sockets are parked) and a "password changed" ' +
      'email is sent. No cookies are set: log in with the new password.',
  })
  @ApiOkResponse({ type: SuccessResponse, description: 'Password reset successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      AUTH_ERRORS.resetLinkInvalid,
      'password must be a string',
      weakPasswordMessage('password'),
    ),
  })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description: '20 per 15 minutes per IP',
  })
  async reset(@Body() dto: ResetPasswordDto) {
    await this.recovery.reset(dto.token, dto.password);
    return ok('Password reset successfully');
  }
}
