import { ApiPropertyOptional } from '@nestjs/swagger';
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
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { UnknownFieldsMessage } from '../../../common/decorators/unknown-fields-message.decorator';
import { isSafeSingleLineText } from '../../../common/validation/text-rules';
import {
  MultiLineText,
  PersonName,
  SingleLineText,
} from '../../../common/validation/text.decorators';
import { OptionalNotNull, Trim } from '../../../common/validation/transforms';
import { GENDERS } from '../../users/user.schema';

export const MAX_SKILLS = 10;

/**
 * Each skill ≥ 2 characters after trimming, at most 30, one line of text without control or
 * bidi characters, no case-insensitive duplicates.
 */
@ValidatorConstraint({ name: 'skillList' })
class SkillListRule implements ValidatorConstraintInterface {
  private problem = '';

  validate(skills: unknown): boolean {
    if (!Array.isArray(skills)) return true; // IsArray reports it
    const seen = new Set<string>();
    for (const skill of skills) {
      if (typeof skill !== 'string') return this.fail('Each skill must be a string');
      const normalised = skill.trim().toLowerCase();
      if (normalised.length < 2) return this.fail('Each skill must be at least 2 characters');
      if (normalised.length > 30) return this.fail('Each skill must be at most 30 characters');
      if (!isSafeSingleLineText(skill)) {
        return this.fail(
          'Each skill must not contain control characters, line breaks or text-direction characters',
        );
      }
      if (seen.has(normalised)) return this.fail(`Duplicate skill: ${skill.trim()}`);
      seen.add(normalised);
    }
    return true;
  }

  defaultMessage(): string {
    return this.problem;
  }

  private fail(problem: string): false {
    this.problem = problem;
    return false;
  }
}

/** Any subset of these fields; `{}` is valid and changes nothing (the SPA sends it). */
@UnknownFieldsMessage('Invalid update fields')
export class EditProfileDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 50,
    description: "Same rule as signup: letters of any script, digits, emoji, spaces, ' - .",
  })
  @OptionalNotNull()
  @PersonName('firstName', { allowEmpty: false })
  firstName?: string;

  @ApiPropertyOptional({ maxLength: 50, description: 'Same rule as firstName; "" removes it' })
  @OptionalNotNull()
  @PersonName('lastName', { allowEmpty: true })
  lastName?: string;

  @ApiPropertyOptional({ enum: GENDERS })
  @OptionalNotNull()
  @IsIn(GENDERS, { message: 'Invalid gender' })
  gender?: (typeof GENDERS)[number];

  @ApiPropertyOptional({ minimum: 18, maximum: 100 })
  @OptionalNotNull()
  @IsInt({ message: 'Invalid age' })
  @Min(18, { message: 'Invalid age' })
  @Max(100, { message: 'Invalid age' })
  age?: number;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_SKILLS, example: ['React', 'Go'] })
  @OptionalNotNull()
  @IsArray({ message: 'skills must be an array of strings' })
  @ArrayMaxSize(MAX_SKILLS, { message: `You can add at most ${MAX_SKILLS} skills` })
  @Validate(SkillListRule)
  skills?: string[];

  @ApiPropertyOptional({ maxLength: 500, description: 'Line breaks allowed; "" empties it' })
  @OptionalNotNull()
  @IsString({ message: 'about must be a string' })
  @MaxLength(500, { message: 'about must be at most 500 characters' })
  @MultiLineText('about')
  about?: string;

  @ApiPropertyOptional({ description: 'http(s)/ftp URL; "" removes the photo' })
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

  @ApiPropertyOptional({ description: 'Trimmed; "" removes it', maxLength: 39 })
  @OptionalNotNull()
  @Trim()
  @IsString({ message: 'githubUsername must be a string' })
  @MaxLength(39, { message: 'githubUsername must be at most 39 characters' })
  @SingleLineText('githubUsername')
  githubUsername?: string;
}
