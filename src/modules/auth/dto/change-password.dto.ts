import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../../common/validation/transforms';

/** Presence, sameness and strength are checked by the service, in the contract's order. */
export class ChangePasswordDto {
  @ApiProperty({ description: 'Current password' })
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @MaxLength(PASSWORD_MAX_LENGTH, {
    message: `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  })
  password?: string;

  @ApiProperty({ description: 'New password (same strength rule as signup)' })
  @IsOptional()
  @IsString({ message: 'newPassword must be a string' })
  @MaxLength(PASSWORD_MAX_LENGTH, {
    message: `newPassword must be at most ${PASSWORD_MAX_LENGTH} characters`,
  })
  newPassword?: string;
}
