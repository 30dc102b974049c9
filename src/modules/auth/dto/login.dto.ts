import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { NormaliseEmail, PASSWORD_MAX_LENGTH } from '../../../common/validation/transforms';

export class LoginDto {
  @ApiProperty({ example: 'asha@example.com' })
  @NormaliseEmail()
  @IsString({ message: 'emailId must be a string' })
  @IsNotEmpty({ message: 'emailId is required' })
  @MaxLength(254, { message: 'Invalid Credentials' })
  emailId!: string;

  @ApiProperty({ example: 'Str0ng!pass' })
  @IsString({ message: 'password must be a string' })
  @IsNotEmpty({ message: 'password is required' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: 'Invalid Credentials' })
  password!: string;
}
