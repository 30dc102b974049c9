import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, Matches, ValidateBy, ValidationArguments } from 'class-validator';
import { STRONG_PASSWORD } from './transforms';
import {
  isSafeMultiLineText,
  isSafeSingleLineText,
  PASSWORD_MAX_BYTES,
  personNameProblem,
  utf8ByteLength,
} from './text-rules';

/** Non-strings pass these rules: the field's `@IsString` reports them with its own message. */
const isString = (value: unknown): value is string => typeof value === 'string';

/** One line of text: no control characters (NUL, CR, LF, tab…), no bidi controls. */
export const SingleLineText = (field: string) =>
  ValidateBy({
    name: 'singleLineText',
    validator: {
      validate: (value: unknown) => !isString(value) || isSafeSingleLineText(value),
      defaultMessage: () =>
        `${field} must not contain control characters, line breaks or text-direction characters`,
    },
  });

/** Multi-line text (`about`): line breaks are fine, other controls and bidi controls are not. */
export const MultiLineText = (field: string) =>
  ValidateBy({
    name: 'multiLineText',
    validator: {
      validate: (value: unknown) => !isString(value) || isSafeMultiLineText(value),
      defaultMessage: () =>
        `${field} must not contain control characters (other than line breaks) or text-direction characters`,
    },
  });

/**
 * Trims and NFC-normalises a string (so "Nguyễn" typed decomposed is stored composed); with
 * `blankAsMissing`, a blank string becomes undefined (the field is then treated as absent).
 */
const NameTransform = (blankAsMissing: boolean) =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const name = value.trim().normalize('NFC');
    return blankAsMissing && name === '' ? undefined : name;
  });

/**
 * The one rule for first and last names, used by signup and profile edit: 1–50 characters (0 when
 * `allowEmpty`, for lastName), letters of any script, marks, spaces, apostrophes, hyphens and
 * periods, starting with a letter (text-rules.ts). Accepts Amy, Li, José, O'Brien, Nguyễn,
 * Mary-Jane; refuses J0hn.
 */
export const PersonName = (
  field: string,
  { allowEmpty, blankAsMissing = false }: { allowEmpty: boolean; blankAsMissing?: boolean },
) =>
  applyDecorators(
    NameTransform(blankAsMissing),
    IsString({ message: `${field} must be a string` }),
    ValidateBy({
      name: 'personName',
      validator: {
        validate: (value: unknown) =>
          !isString(value) ||
          personNameProblem(value, field, { required: !allowEmpty }) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          personNameProblem(String(args?.value ?? ''), field, { required: !allowEmpty }) ??
          `${field} is not a valid name`,
      },
    }),
  );

export const passwordTooLongMessage = (field: string) =>
  `${field} must be at most ${PASSWORD_MAX_BYTES} bytes (UTF-8): accented letters take 2 bytes and most emoji 4`;

/** bcrypt ignores everything after 72 bytes, so a longer password would not mean what it says. */
export const PasswordMaxBytes = (field: string) =>
  ValidateBy({
    name: 'passwordMaxBytes',
    validator: {
      validate: (value: unknown) => !isString(value) || utf8ByteLength(value) <= PASSWORD_MAX_BYTES,
      defaultMessage: () => passwordTooLongMessage(field),
    },
  });

/** Says exactly what {@link STRONG_PASSWORD} requires. */
export const weakPasswordMessage = (field: string) =>
  `${field} is too weak: use at least 8 characters (at most ${PASSWORD_MAX_BYTES} bytes) with a lowercase letter (a-z), an uppercase letter (A-Z), a digit (0-9) and a symbol such as ! @ # $ % & * ?`;

export const StrongPassword = (field: string) =>
  Matches(STRONG_PASSWORD, { message: weakPasswordMessage(field) });

/**
 * The new password of a password change must be strong, but only once the earlier checks of the
 * contract's order pass (both present, new ≠ current); those stay with the service.
 */
export const StrongNewPassword = (field: string, currentField: string) =>
  ValidateBy({
    name: 'strongNewPassword',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const current = (args?.object as Record<string, unknown> | undefined)?.[currentField];
        if (!isString(value) || !value || !current || current === value) return true;
        return STRONG_PASSWORD.test(value);
      },
      defaultMessage: () => weakPasswordMessage(field),
    },
  });
