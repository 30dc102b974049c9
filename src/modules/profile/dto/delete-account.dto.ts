import { IsNotEmpty, IsString } from 'class-validator';
import { UnknownFieldsMessage } from '../../../common/decorators/unknown-fields-message.decorator';
import { PasswordMaxBytes } from '../../../common/validation/text.decorators';
import { PROFILE_ERRORS } from '../profile.errors';

/** `DELETE /profile`: the current password confirms the deletion; nothing else is accepted. */
@UnknownFieldsMessage(PROFILE_ERRORS.deleteUnknownFields)
export class DeleteAccountDto {
  /** The current password (at most 72 bytes, UTF-8). @example Str0ng!pass */
  @IsString({ message: 'password must be a string' })
  @IsNotEmpty({ message: 'password is required' })
  @PasswordMaxBytes('password')
  password!: string;
}
