import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { PasswordMaxBytes, StrongNewPassword } from '../../../common/validation/text.decorators';

/**
 * Presence, sameness and the current password are checked by the service, in the contract's
 * order; the strength rule applies only once both are present and differ, so the order holds.
 */
export class ChangePasswordDto {
  @ApiProperty({ description: 'Current password (at most 72 bytes, UTF-8)' })
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @PasswordMaxBytes('password')
  password?: string;

  @ApiProperty({
    description:
      'New password: at least 8 characters and at most 72 bytes (UTF-8), with a lowercase letter, an uppercase letter, a digit and a symbol',
  })
  @IsOptional()
  @IsString({ message: 'newPassword must be a string' })
  @PasswordMaxBytes('newPassword')
  @StrongNewPassword('newPassword', 'password')
  newPassword?: string;
}
