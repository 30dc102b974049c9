import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsEmail, IsString, MaxLength } from 'class-validator';
import { NormaliseEmail, OptionalNotNull } from '../../../common/validation/transforms';
import {
  PasswordMaxBytes,
  PersonName,
  StrongPassword,
} from '../../../common/validation/text.decorators';

export class SignupDto {
  @ApiProperty({
    example: 'Amy',
    minLength: 1,
    maxLength: 50,
    description:
      "Trimmed. Letters of any script, digits, emoji, spaces, ' - . ; starts with a letter",
  })
  @IsDefined({ message: 'firstName is required' })
  @PersonName('firstName', { allowEmpty: false })
  firstName!: string;

  @ApiPropertyOptional({
    example: "O'Brien",
    maxLength: 50,
    description: 'Same rule as firstName; missing or blank stores no last name',
  })
  @OptionalNotNull()
  @PersonName('lastName', { allowEmpty: true, blankAsMissing: true })
  lastName?: string;

  @ApiProperty({ example: 'asha@example.com', description: 'Trimmed and lowercased before use' })
  @NormaliseEmail()
  @IsString({ message: 'emailId must be a string' })
  @MaxLength(254, { message: 'Invalid Email' })
  @IsEmail({}, { message: 'Invalid Email' })
  emailId!: string;

  @ApiProperty({
    example: 'Str0ng!pass',
    description:
      'At least 8 characters and at most 72 bytes (UTF-8), with a lowercase letter, an uppercase letter, a digit and a symbol',
  })
  @IsString({ message: 'password must be a string' })
  @PasswordMaxBytes('password')
  @StrongPassword('password')
  password!: string;
}
