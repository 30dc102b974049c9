import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { UnknownFieldsMessage } from '../../../common/decorators/unknown-fields-message.decorator';
import { OptionalNotNull, Trim } from '../../../common/validation/transforms';
import { GENDERS } from '../../users/user.schema';

export const MAX_SKILLS = 10;

/** Each skill ≥ 2 characters after trimming, at most 30, no case-insensitive duplicates. */
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
  @ApiPropertyOptional({ minLength: 3, maxLength: 20 })
  @OptionalNotNull()
  @Trim()
  @IsString({ message: 'firstName must be a string' })
  @Length(3, 20, { message: 'firstName must be 3-20 characters' })
  firstName?: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @OptionalNotNull()
  @Trim()
  @IsString({ message: 'lastName must be a string' })
  @MaxLength(50, { message: 'lastName must be at most 50 characters' })
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

  @ApiPropertyOptional({ maxLength: 500 })
  @OptionalNotNull()
  @IsString({ message: 'about must be a string' })
  @MaxLength(500, { message: 'about must be at most 500 characters' })
  about?: string;

  @ApiPropertyOptional({ description: 'http(s)/ftp URL; "" removes the photo' })
  @OptionalNotNull()
  @Trim()
  @IsString({ message: 'photoUrl must be a string' })
  @MaxLength(2048, { message: 'photoUrl must be at most 2048 characters' })
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
  githubUsername?: string;
}
