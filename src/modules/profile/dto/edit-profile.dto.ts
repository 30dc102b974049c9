import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  Validate,
} from 'class-validator';
import { UnknownFieldsMessage } from '../../../common/decorators/unknown-fields-message.decorator';
import { NAME_MAX_LENGTH, personNamePattern } from '../../../common/validation/text-rules';
import {
  MultiLineText,
  PersonName,
  SingleLineText,
} from '../../../common/validation/text.decorators';
import { OptionalNotNull, Trim } from '../../../common/validation/transforms';
import { GENDERS, type Gender } from '../../users/user.schema';
import { SkillListRule } from './skill-list.rule';

export const MAX_SKILLS = 10;

/**
 * Any subset of these fields; `{}` is valid and changes nothing (the SPA sends it). A field that
 * is present must not be null. The OpenAPI schema comes from these declarations (nest-cli.json
 * plugin); `@ApiProperty` only adds limits that custom validators enforce.
 */
@UnknownFieldsMessage('Invalid update fields')
export class EditProfileDto {
  /**
   * Trimmed. Same rule as signup: letters of any script, combining marks, spaces, apostrophes
   * (' ’), hyphens and periods; starts with a letter; no digits or emoji.
   */
  @ApiProperty({
    minLength: 1,
    maxLength: NAME_MAX_LENGTH,
    pattern: personNamePattern({ required: true }),
  })
  @OptionalNotNull()
  @PersonName('firstName', { allowEmpty: false })
  firstName?: string;

  /** Trimmed. Same rule as firstName; "" removes it. */
  @ApiProperty({ maxLength: NAME_MAX_LENGTH, pattern: personNamePattern({ required: false }) })
  @OptionalNotNull()
  @PersonName('lastName', { allowEmpty: true })
  lastName?: string;

  @OptionalNotNull()
  @IsIn(GENDERS, { message: 'Invalid gender' })
  gender?: Gender;

  @ApiProperty({ type: 'integer' })
  @OptionalNotNull()
  @IsInt({ message: 'Invalid age' })
  @Min(18, { message: 'Invalid age' })
  @Max(100, { message: 'Invalid age' })
  age?: number;

  /**
   * Replaces the list. Each 2–30 characters after trimming, one line, no duplicates (compared
   * trimmed and case-insensitively). @example ["React", "Go"]
   */
  @ApiProperty({ maxItems: MAX_SKILLS }) // the plugin reads only literal arguments
  @OptionalNotNull()
  @IsArray({ message: 'skills must be an array of strings' })
  @ArrayMaxSize(MAX_SKILLS, { message: `You can add at most ${MAX_SKILLS} skills` })
  @Validate(SkillListRule)
  skills?: string[];

  /** Line breaks allowed; "" empties it. */
  @OptionalNotNull()
  @IsString({ message: 'about must be a string' })
  @MaxLength(500, { message: 'about must be at most 500 characters' })
  @MultiLineText('about')
  about?: string;

  /** An http(s) or ftp URL (the protocol may be left out); "" removes the photo. */
  @OptionalNotNull()
  @Trim()
  @IsString({ message: 'photoUrl must be a string' })
  @MaxLength(2048, { message: 'photoUrl must be at most 2048 characters' })
  @SingleLineText('photoUrl')
  @ValidateIf((dto: EditProfileDto) => dto.photoUrl !== '')
  @IsUrl(
    { protocols: ['http', 'https', 'ftp'], require_tld: true },
    { message: 'photoUrl must be a valid URL' },
  )
  photoUrl?: string;

  /** Trimmed; "" removes it. */
  @OptionalNotNull()
  @Trim()
  @IsString({ message: 'githubUsername must be a string' })
  @MaxLength(39, { message: 'githubUsername must be at most 39 characters' })
  @SingleLineText('githubUsername')
  githubUsername?: string;
}
