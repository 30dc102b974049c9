import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** Trims strings; leaves other types for the type validators to reject. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Emails are compared trimmed and lowercased on every path (signup, login, resend). */
export const NormaliseEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

/**
 * ≥ 8 chars with a lowercase, an uppercase, a digit and a symbol (contract §3.1); the upper bound
 * is in bytes (PASSWORD_MAX_BYTES, text-rules.ts), and weakPasswordMessage() spells the rule out.
 */
export const STRONG_PASSWORD =
  /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[-#!$@£%^&*()_+|~=`{}[\]:";'<>?,./\\ ]).{8,}$/;

/** Like @IsOptional, but only for a missing field: `null` is validated (and so refused). */
export const OptionalNotNull = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
