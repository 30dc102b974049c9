import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { NormaliseEmail } from '../../../common/validation/transforms';
import { PasswordMaxBytes } from '../../../common/validation/text.decorators';

export class LoginDto {
  @ApiProperty({ example: 'asha@example.com' })
  @NormaliseEmail()
  @IsString({ message: 'emailId must be a string' })
  @IsNotEmpty({ message: 'emailId is required' })
  @MaxLength(254, { message: 'Invalid Credentials' })
  emailId!: string;

  @ApiProperty({ example: 'Str0ng!pass', description: 'At most 72 bytes (UTF-8)' })
  @IsString({ message: 'password must be a string' })
  @IsNotEmpty({ message: 'password is required' })
  @PasswordMaxBytes('password')
  password!: string;
}
