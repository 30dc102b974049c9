import { IsString, Length } from 'class-validator';

export class VerifyEmailQueryDto {
  /** The 64-hex token from the emailed link. */
  @IsString({ message: 'Invalid verification link' })
  @Length(1, 128, { message: 'Invalid verification link' })
  token!: string;
}
