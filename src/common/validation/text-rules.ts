/**
 * Pure rules for user-supplied text. The input guard applies the well-formedness rule to every
 * string of every body and query; DTO decorators (text.decorators.ts) apply the others per field.
 */

/** An unpaired UTF-16 surrogate: with the `u` flag a valid pair is one code point, never `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;

/** C0 and C1 controls and DEL (includes NUL, tab, CR and LF). */
const CONTROL = /\p{Cc}/u;
/** Controls other than LF and CR, for multi-line text. */
const CONTROL_EXCEPT_NEWLINES = /[^\P{Cc}\n\r]/u;

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder
 * the text around them in the SPA, emails and notifications ("Trojan Source" spoofing).
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
/** LINE SEPARATOR and PARAGRAPH SEPARATOR break lines like LF does. */
const LINE_BREAK_SEPARATOR = /[\u2028\u2029]/u;

/** Whether a string is valid Unicode (no lone surrogates); what `String#isWellFormed` checks. */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** One line of plain text: well-formed, no control characters, no bidi controls, no line breaks. */
export function isSafeSingleLineText(value: string): boolean {
  return (
    isWellFormedText(value) &&
    !CONTROL.test(value) &&
    !BIDI_CONTROL.test(value) &&
    !LINE_BREAK_SEPARATOR.test(value)
  );
}

/** Multi-line text (e.g. `about`): like a single line, but LF and CR are allowed. */
export function isSafeMultiLineText(value: string): boolean {
  return (
    isWellFormedText(value) && !CONTROL_EXCEPT_NEWLINES.test(value) && !BIDI_CONTROL.test(value)
  );
}

/** What bcrypt reads: it ignores everything after the first 72 bytes of UTF-8. */
export const PASSWORD_MAX_BYTES = 72;

export function utf8ByteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

export const NAME_MAX_LENGTH = 50;

/**
 * One character of a name: a letter of any script, a combining mark (accents written decomposed,
 * Indic vowel signs and viramas), a space, an apostrophe (' ’), a hyphen or a period. The
 * zero-width non-joiner and joiner that Persian and Indic names need are allowed only after a
 * letter or mark and before a letter, where they shape the letters around them. No digits, emoji
 * or other symbols: a name is shown beside messages and in emails as the person's name.
 */
const NAME_CHARACTER = String.raw`[\p{L}\p{M} '’.\-]|(?<=[\p{L}\p{M}])[\u200C\u200D](?=\p{L})`;
const NAME_CHARACTERS = new RegExp(`^(?:${NAME_CHARACTER})*$`, 'u');
const STARTS_WITH_LETTER = /^\p{L}/u;

/**
 * The whole character rule as one pattern (Unicode mode) for the OpenAPI document; an optional
 * name may also be empty. Length and control characters are checked separately.
 */
export function personNamePattern({ required }: { required: boolean }): string {
  const name = `\\p{L}(?:${NAME_CHARACTER})*`;
  return required ? `^${name}$` : `^(?:${name})?$`;
}

/** The refusal for a character outside the rule. */
export const nameCharactersMessage = (field: string) =>
  `${field} may contain only letters, spaces, apostrophes, hyphens and periods`;

/**
 * The one rule for first and last names, at signup and on edit (the value is already trimmed).
 * Returns the problem as a sentence naming the field, or undefined when the name is fine.
 */
export function personNameProblem(
  value: string,
  field: string,
  { required }: { required: boolean },
): string | undefined {
  if (value === '') return required ? `${field} cannot be empty` : undefined;
  if ([...value].length > NAME_MAX_LENGTH) {
    return `${field} must be at most ${NAME_MAX_LENGTH} characters`;
  }
  if (!isSafeSingleLineText(value)) {
    return `${field} must not contain control characters, line breaks or text-direction characters`;
  }
  if (!NAME_CHARACTERS.test(value)) {
    return nameCharactersMessage(field);
  }
  if (!STARTS_WITH_LETTER.test(value)) return `${field} must start with a letter`;
  return undefined;
}
