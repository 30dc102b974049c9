import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ACCESS_COOKIE_AUTH } from '../../common/bootstrap/swagger';
import { AuthenticatedUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { describeErrors, errorMessage } from '../../common/errors/app-error';
import { COMMON_ERRORS, PROTECTED_ROUTE_ERRORS } from '../../common/errors/common.errors';
import { ok } from '../../common/http/api-response';
import { ApiObjectIdParam } from '../../common/http/api-params.docs';
import {
  ErrorResponse,
  RateLimitedResponse,
  SuccessResponse,
} from '../../common/http/api-response.docs';
import { RateLimit } from '../../common/throttling/rate-limits';
import { ParseObjectIdPipe } from '../../common/pipes/parse-object-id.pipe';
import { AuthCookies } from '../auth/auth-cookies';
import { AccountsService } from '../auth/accounts.service';
import { AUTH_ERRORS } from '../auth/auth.errors';
import { USER_ERRORS } from '../users/users.errors';
import { ChangePasswordDto } from './dto/change-password.dto';
import { ProfileUserResponse, SelfUserResponse } from '../users/user.docs';
import { EditProfileDto } from './dto/edit-profile.dto';
import { AccountDeletionService } from './account-deletion.service';
import { AccountExportService } from './account-export.service';
import { DeleteAccountDto } from './dto/delete-account.dto';
import { EXPORT_WINDOW_MS, EXPORTS_PER_WINDOW } from './export-limiter';
import { AccountExportResponse, BoostCoolingDownResponse, BoostResponse } from './profile.docs';
import { PROFILE_ERRORS } from './profile.errors';
import { ProfileService } from './profile.service';
import { Types } from 'mongoose';
import { UpdateNotificationPreferencesDto } from '../notifications/dto/notification-preferences.dto';
import { NotificationPreferencesService } from '../notifications/notification-preferences.service';
import { NotificationPreferencesResponse } from '../notifications/notifications.docs';
import { NOTIFICATION_ERRORS } from '../notifications/notifications.errors';
import type { UserRecord } from '../users/user.schema';

@ApiTags('profile')
@ApiCookieAuth(ACCESS_COOKIE_AUTH)
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: describeErrors(...PROTECTED_ROUTE_ERRORS, AUTH_ERRORS.userGone),
})
@Controller('profile')
export class ProfileController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly accounts: AccountsService,
    private readonly cookies: AuthCookies,
    private readonly exports: AccountExportService,
    private readonly deletion: AccountDeletionService,
    private readonly preferences: NotificationPreferencesService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's own profile (self view)" })
  @ApiOkResponse({ type: SelfUserResponse, description: 'Profile retrieved successfully' })
  getOwn(@CurrentUser() caller: AuthenticatedUser) {
    return ok('Profile retrieved successfully', this.profiles.ownView(caller));
  }

  @Patch('edit')
  @ApiOperation({
    summary:
      'Edit any subset of the profile fields; {} is valid; "" clears photoUrl/githubUsername',
  })
  @ApiOkResponse({ type: SelfUserResponse, description: 'Profile updated successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'Invalid update fields | Invalid gender | Invalid age | field-specific messages',
  })
  async edit(@CurrentUser() caller: AuthenticatedUser, @Body() dto: EditProfileDto) {
    return ok('Profile updated successfully', await this.profiles.edit(caller.userId, dto));
  }

  @Patch('password')
  @ApiOperation({
    summary: 'Change the password; signs out every other session and issues fresh cookies',
  })
  @ApiOkResponse({ type: SelfUserResponse, description: 'Password updated successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      AUTH_ERRORS.passwordsRequired,
      AUTH_ERRORS.passwordUnchanged,
      AUTH_ERRORS.newPasswordWeak,
      AUTH_ERRORS.currentPasswordIncorrect,
    ),
  })
  async changePassword(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: ChangePasswordDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { user, tokens } = await this.accounts.changePassword(caller, dto);
    this.cookies.set(res, tokens);
    return ok('Password updated successfully', user);
  }

  @Post('onboarding/complete')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark onboarding as complete (idempotent)' })
  @ApiOkResponse({ type: SelfUserResponse, description: 'Onboarding completed successfully' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: describeErrors(USER_ERRORS.notFound) })
  async completeOnboarding(@CurrentUser() caller: AuthenticatedUser) {
    return ok(
      'Onboarding completed successfully',
      await this.profiles.completeOnboarding(caller.userId),
    );
  }

  @Post('boost')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "ELITE: put your profile first in everyone's feed for 30 minutes (once per 7 days)",
    description:
      'New feed walks (page=1) that start while the boost runs serve boosted profiles first, ' +
      'then ELITE members, then everyone else.',
  })
  @ApiOkResponse({ type: BoostResponse, description: 'Profile boosted successfully' })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description: describeErrors(PROFILE_ERRORS.boostNotInPlan),
  })
  @ApiTooManyRequestsResponse({
    type: BoostCoolingDownResponse,
    description: errorMessage(PROFILE_ERRORS.boostCoolingDown, '<nextBoostAt>'),
  })
  async boost(@CurrentUser() caller: AuthenticatedUser) {
    return ok('Profile boosted successfully', await this.profiles.boost(caller.userId));
  }

  @Get('export')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Download everything stored about you as one JSON document',
    description:
      'Profile (no password hash or tokens), membership, requests and connections in both ' +
      "directions (the other user's public fields only), the messages you sent, payments and " +
      'sessions. Each list is capped (connections and messages 10,000, payments and sessions ' +
      `1,000) and says \`truncated\` past it. ${EXPORTS_PER_WINDOW} per hour per user. Sent as ` +
      'an attachment named devlink-export.json.',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: AccountExportResponse, description: 'Your data export' })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description: errorMessage(PROFILE_ERRORS.exportRateLimited, EXPORT_WINDOW_MS / 60_000),
  })
  async export(
    @CurrentUser() caller: AuthenticatedUser,
    @Res({ passthrough: true }) res: Response,
  ) {
    const data = await this.exports.export(caller);
    // Only on success: a refusal must not be saved as the user's export file.
    res.setHeader('Content-Disposition', 'attachment; filename="devlink-export.json"');
    return ok('Your data export', data);
  }

  @Delete()
  @HttpCode(HttpStatus.OK)
  @RateLimit('deleteAccount')
  @ApiOperation({
    summary: 'Delete your account for good (confirm with your password); clears the cookies',
    description:
      'Signs out every session and socket, removes requests and connections in both ' +
      'directions, blocks you made and blocks of you, drops queued emails and the profile. ' +
      'Chats stay readable for the other participant, who sees a deleted user; payments and ' +
      'the reports you filed are kept (accounting, moderation) without your id; reports about ' +
      'you stay for moderation. A confirmation email goes to the address the account had; the address may sign up again.',
  })
  @ApiOkResponse({ type: SuccessResponse, description: 'Account deleted' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      'password is required',
      'password must be a string',
      PROFILE_ERRORS.deleteUnknownFields,
      PROFILE_ERRORS.deletePasswordIncorrect,
    ),
  })
  @ApiNotFoundResponse({ type: ErrorResponse, description: describeErrors(USER_ERRORS.notFound) })
  @ApiTooManyRequestsResponse({
    type: RateLimitedResponse,
    description: '10 attempts per 15 minutes per IP',
  })
  async deleteAccount(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: DeleteAccountDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.deletion.delete(caller, dto.password);
    this.cookies.clear(res);
    return ok('Account deleted');
  }

  @Get('notifications')
  @ApiOperation({ summary: 'Which optional emails you get (all on until you turn one off)' })
  @ApiOkResponse({
    type: NotificationPreferencesResponse,
    description: 'Notification preferences retrieved successfully',
  })
  notificationPreferences(@CurrentUser() caller: AuthenticatedUser) {
    return ok(
      'Notification preferences retrieved successfully',
      this.preferences.view((caller.user as UserRecord).notificationPrefs),
    );
  }

  @Patch('notifications')
  @ApiOperation({
    summary: 'Turn optional emails on or off: `digest`, `missedMessages` (the ones sent change)',
  })
  @ApiOkResponse({
    type: NotificationPreferencesResponse,
    description: 'Notification preferences updated successfully',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: describeErrors(
      NOTIFICATION_ERRORS.preferencesEmpty,
      NOTIFICATION_ERRORS.preferencesUnknownFields,
      'digest must be true or false',
      'missedMessages must be true or false',
    ),
  })
  async updateNotificationPreferences(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: UpdateNotificationPreferencesDto,
  ) {
    return ok(
      'Notification preferences updated successfully',
      await this.preferences.update(caller.userId, dto),
    );
  }

  @Get(':userId')
  @ApiOperation({
    summary: "Another user's public profile",
    description:
      'When either of you blocked the other, the answer is the unknown user’s 404, byte for ' +
      'byte: it tells neither that the account exists nor who blocked whom.',
  })
  @ApiObjectIdParam('userId', 'The user id')
  @ApiOkResponse({ type: ProfileUserResponse, description: 'User profile retrieved successfully' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: errorMessage(COMMON_ERRORS.invalidId, 'userId'),
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: `${USER_ERRORS.notFound.message} (also when either of you blocked the other)`,
  })
  async getPublic(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('userId', new ParseObjectIdPipe('userId')) userId: Types.ObjectId,
  ) {
    return ok(
      'User profile retrieved successfully',
      await this.profiles.getPublic(caller.userId, userId),
    );
  }
}
