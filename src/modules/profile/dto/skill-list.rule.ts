import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isSafeSingleLineText } from '../../../common/validation/text-rules';

/**
 * Each skill ≥ 2 characters after trimming, at most 30, one line of text without control or
 * bidi characters, no case-insensitive duplicates.
 */
@ValidatorConstraint({ name: 'skillList' })
export class SkillListRule implements ValidatorConstraintInterface {
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
