import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { NormaliseEmail } from '../../../common/validation/transforms';
import { PasswordMaxBytes } from '../../../common/validation/text.decorators';

export class LoginDto {
  /** Trimmed and lowercased before the lookup. @example asha@example.com */
  @NormaliseEmail()
  @IsString({ message: 'emailId must be a string' })
  @IsNotEmpty({ message: 'emailId is required' })
  @MaxLength(254, { message: 'Invalid Credentials' })
  emailId!: string;

  /** At most 72 bytes (UTF-8). @example Str0ng!pass */
  @IsString({ message: 'password must be a string' })
  @IsNotEmpty({ message: 'password is required' })
  @PasswordMaxBytes('password')
  password!: string;
}
