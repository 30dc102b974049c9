import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, Length, Matches, MaxLength } from 'class-validator';
import {
  NormaliseEmail,
  PASSWORD_MAX_LENGTH,
  STRONG_PASSWORD,
  Trim,
} from '../../../common/validation/transforms';

export class SignupDto {
  @ApiProperty({ example: 'Asha', minLength: 4, maxLength: 20 })
  @Trim()
  @IsString({ message: 'firstName must be a string' })
  @IsNotEmpty({ message: 'Name cannot be Empty' })
  @Length(4, 20, { message: 'Invalid name length' })
  firstName!: string;

  @ApiProperty({ example: 'Rao', maxLength: 50 })
  @Trim()
  @IsString({ message: 'lastName must be a string' })
  @IsNotEmpty({ message: 'Name cannot be Empty' })
  @MaxLength(50, { message: 'lastName must be at most 50 characters' })
  lastName!: string;

  @ApiProperty({ example: 'asha@example.com', description: 'Trimmed and lowercased before use' })
  @NormaliseEmail()
  @IsString({ message: 'emailId must be a string' })
  @MaxLength(254, { message: 'Invalid Email' })
  @IsEmail({}, { message: 'Invalid Email' })
  emailId!: string;

  @ApiProperty({
    example: 'Str0ng!pass',
    description: '8-72 characters with a lowercase, an uppercase, a digit and a symbol',
  })
  @IsString({ message: 'password must be a string' })
  @MaxLength(PASSWORD_MAX_LENGTH, {
    message: `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  })
  @Matches(STRONG_PASSWORD, { message: 'password is weak' })
  password!: string;
}
