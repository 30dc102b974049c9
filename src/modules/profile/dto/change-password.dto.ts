import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { PasswordMaxBytes, StrongNewPassword } from '../../../common/validation/text.decorators';

/**
 * Presence, sameness and the current password are checked by the service, in the contract's
 * order; the strength rule applies only once both are present and differ, so the order holds.
 * Both fields are therefore optional here but required by the route (a missing one is a 400,
 * "Current password and new password are required"), which is what the document says.
 */
export class ChangePasswordDto {
  /** The current password (at most 72 bytes, UTF-8). */
  @ApiProperty({ required: true })
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @PasswordMaxBytes('password')
  password?: string;

  /**
   * At least 8 characters and at most 72 bytes (UTF-8), with a lowercase letter, an uppercase
   * letter, a digit and a symbol; different from the current one.
   */
  @ApiProperty({ required: true })
  @IsOptional()
  @IsString({ message: 'newPassword must be a string' })
  @PasswordMaxBytes('newPassword')
  @StrongNewPassword('newPassword', 'password')
  newPassword?: string;
}
