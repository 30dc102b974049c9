import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsEmail, IsString, MaxLength } from 'class-validator';
import { NAME_MAX_LENGTH, personNamePattern } from '../../../common/validation/text-rules';
import { NormaliseEmail, OptionalNotNull } from '../../../common/validation/transforms';
import {
  PasswordMaxBytes,
  PersonName,
  StrongPassword,
} from '../../../common/validation/text.decorators';

export class SignupDto {
  /**
   * Trimmed. Letters of any script, combining marks, spaces, apostrophes (' ’), hyphens and
   * periods; starts with a letter; no digits or emoji.
   * @example Amy
   */
  @ApiProperty({
    minLength: 1,
    maxLength: NAME_MAX_LENGTH,
    pattern: personNamePattern({ required: true }),
  })
  @IsDefined({ message: 'firstName is required' })
  @PersonName('firstName', { allowEmpty: false })
  firstName!: string;

  /** Same rule as firstName; missing or blank stores no last name. */
  @ApiProperty({ maxLength: NAME_MAX_LENGTH, pattern: personNamePattern({ required: false }) })
  @OptionalNotNull()
  @PersonName('lastName', { allowEmpty: true, blankAsMissing: true })
  lastName?: string;

  /** Trimmed and lowercased before use. @example asha@example.com */
  @NormaliseEmail()
  @IsString({ message: 'emailId must be a string' })
  @MaxLength(254, { message: 'Invalid Email' })
  @IsEmail({}, { message: 'Invalid Email' })
  emailId!: string;

  /**
   * At least 8 characters and at most 72 bytes (UTF-8), with a lowercase letter, an uppercase
   * letter, a digit and a symbol. @example Str0ng!pass
   */
  @IsString({ message: 'password must be a string' })
  @PasswordMaxBytes('password')
  @StrongPassword('password')
  password!: string;
}
