import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { NormaliseEmail } from '../../../common/validation/transforms';

export class ResendVerificationDto {
  @ApiPropertyOptional({ example: 'asha@example.com', nullable: true })
  @NormaliseEmail()
  @IsOptional()
  @IsString({ message: 'emailId must be a string' })
  @MaxLength(254, { message: 'emailId must be at most 254 characters' })
  emailId?: string | null;
}
