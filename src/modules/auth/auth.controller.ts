import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../common/decorators/public.decorator';
import { describeErrors } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import {
  ErrorResponse,
  RateLimitedResponse,
  SuccessResponse,
} from '../../common/http/api-response.docs';
import { RateLimit } from '../../common/throttling/rate-limits';
import { AuthCookies, ACCESS_COOKIE, REFRESH_COOKIE } from './auth-cookies';
import { AccountsService } from './accounts.service';
import { AUTH_ERRORS } from './auth.errors';
import { SessionsService } from './sessions.service';
import { LoginDto } from './dto/login.dto';
import { ResendVerificationDto } from './dto/resend-verification.dto';
import { SignupDto } from './dto/signup.dto';
import { VerifyEmailQueryDto } from './dto/verify-email-query.dto';
import { SelfUserResponse } from '../users/user.docs';
import { readCookie } from '../../common/http/cookies';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly cookies: AuthCookies,
  ) {}

  @Post('signup')
  @HttpCode(HttpStatus.CREATED)
  @RateLimit('signup')
  @ApiOperation({
    summary: 'Create an account and email a 24-hour verification link (no cookies set)',
  })
  @ApiCreatedResponse({
    type: SelfUserResponse,
    description: 'Account created. Check your email for verification.',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'Name cannot be Empty | Invalid name length | Invalid Email | password is weak',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: describeErrors(COMMON_ERRORS.emailTaken),
  })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description: '10 per 15 minutes per IP; body has retryAfter (minutes), retryAt',
  })
  async signup(@Body() dto: SignupDto) {
    return ok(
      'Account created. Check your email for verification.',
      await this.accounts.signup(dto),
    );
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @RateLimit('login')
  @ApiOperation({
    summary: 'Start a session on this device; sets the accessToken and refreshToken cookies',
  })
  @ApiOkResponse({ type: SelfUserResponse, description: 'Login Successful' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(AUTH_ERRORS.invalidCredentials),
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description: `${AUTH_ERRORS.emailNotVerified.message} (correct password only)`,
  })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description:
      'Per 15 minutes: 10 failed logins per email (known or not; addresses that logged into the ' +
      'account within 30 days are exempt), 20 failed logins or 100 attempts per IP. Correct ' +
      "logins are not failures and reset the email's count.",
  })
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { user, tokens } = await this.accounts.login(dto, req.ip ?? 'unknown', {
      userAgent: req.headers['user-agent'],
      ip: req.ip,
    });
    this.cookies.set(res, tokens);
    return ok('Login Successful', user);
  }

  @Post('logout')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Revoke this session server-side (if a cookie identifies it) and clear the cookies',
  })
  @ApiOkResponse({ type: SuccessResponse, description: 'Always 200: Logout successful' })
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    this.cookies.clear(res);
    await this.sessions.logout(readCookie(req, ACCESS_COOKIE), readCookie(req, REFRESH_COOKIE));
    return ok('Logout successful');
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @RateLimit('refresh')
  @ApiOperation({
    summary: 'Rotate the refresh token (cookie) and issue a new access token',
    description:
      'A token rotated less than 30 s ago returns the current pair (concurrent refreshes); an older one ' +
      'is treated as stolen and revokes the session.',
  })
  @ApiOkResponse({ type: SuccessResponse, description: 'Token refreshed; both cookies set' })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: describeErrors(AUTH_ERRORS.refreshTokenMissing, AUTH_ERRORS.refreshTokenInvalid),
  })
  @ApiTooManyRequestsResponse({ type: RateLimitedResponse, description: '30 per minute per IP' })
  async refresh(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const tokens = await this.sessions.refresh(readCookie(req, REFRESH_COOKIE), { ip: req.ip });
    this.cookies.set(res, tokens);
    return ok('Token refreshed');
  }

  @Get('verify-email')
  @RateLimit('verifyEmail')
  @ApiOperation({ summary: 'Verify the email address with the token from the emailed link' })
  @ApiOkResponse({ type: SuccessResponse, description: 'Email verified successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    // The first is the query DTO's validation message.
    description: describeErrors('Invalid verification link', AUTH_ERRORS.verificationLinkInvalid),
  })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description: '20 per 15 minutes per IP',
  })
  async verifyEmail(@Query() query: VerifyEmailQueryDto) {
    await this.accounts.verifyEmail(query.token);
    return ok('Email verified successfully');
  }

  @Post('resend-verification')
  @HttpCode(HttpStatus.OK)
  @RateLimit('resend')
  @ApiOperation({
    summary: 'Email a new verification link (same answer whether or not the account exists)',
  })
  @ApiOkResponse({
    type: SuccessResponse,
    description: 'If an account exists, a verification email has been sent.',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'emailId must be a string | emailId must be at most 254 characters',
  })
  @ApiTooManyRequestsResponse({ type: RateLimitedResponse, description: '3 per 5 minutes per IP' })
  async resendVerification(@Body() dto: ResendVerificationDto) {
    await this.accounts.resendVerification(dto.emailId);
    return ok('If an account exists, a verification email has been sent.');
  }
}
