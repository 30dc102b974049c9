import { IsEmail, IsString, MaxLength } from 'class-validator';
import { NormaliseEmail } from '../../../common/validation/transforms';

export class ForgotPasswordDto {
  /** Trimmed and lowercased before use. @example asha@example.com */
  @NormaliseEmail()
  @IsString({ message: 'emailId must be a string' })
  @MaxLength(254, { message: 'Invalid Email' })
  @IsEmail({}, { message: 'Invalid Email' })
  emailId!: string;
}
