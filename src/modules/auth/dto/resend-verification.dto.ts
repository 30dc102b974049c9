import { IsOptional, IsString, MaxLength } from 'class-validator';
import { NormaliseEmail } from '../../../common/validation/transforms';

export class ResendVerificationDto {
  /** Trimmed and lowercased; missing or null gets the same answer. @example asha@example.com */
  @NormaliseEmail()
  @IsOptional()
  @IsString({ message: 'emailId must be a string' })
  @MaxLength(254, { message: 'emailId must be at most 254 characters' })
  emailId?: string | null;
}
