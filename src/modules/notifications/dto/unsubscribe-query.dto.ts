import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { OBJECT_ID_DOC_PATTERN } from '../../../common/http/api-params.docs';
import { OBJECT_ID_PATTERN } from '../../../common/validation/object-id';
import { EMAIL_LISTS, type EmailList } from '../email-preferences';

/** The query of a one-click unsubscribe link, as the email carries it. */
export class UnsubscribeQueryDto {
  @ApiProperty({ pattern: OBJECT_ID_DOC_PATTERN })
  @Matches(OBJECT_ID_PATTERN, { message: 'user must be a user id' })
  user!: string;

  @ApiProperty({ enum: EMAIL_LISTS })
  @IsIn(EMAIL_LISTS, { message: `list must be one of: ${EMAIL_LISTS.join(', ')}` })
  list!: EmailList;

  /** The link's signature. */
  @ApiProperty()
  @IsString({ message: 'sig must be a string' })
  @MaxLength(64, { message: 'sig is not a valid signature' })
  sig!: string;
}
