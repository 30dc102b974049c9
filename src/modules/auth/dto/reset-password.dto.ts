import { PickType } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { entryRule } from '../../../common/errors/app-error';
import { AUTH_ERRORS } from '../auth.errors';
import { SignupDto } from './signup.dto';

const invalidLink = entryRule(AUTH_ERRORS.resetLinkInvalid);

/** The password follows the signup rules: the validators are SignupDto's own. */
export class ResetPasswordDto extends PickType(SignupDto, ['password'] as const) {
  /** The token from the emailed link (64 hex characters). */
  @IsString(invalidLink)
  @Length(1, 128, invalidLink)
  token!: string;
}
