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
 * Letters and marks of any script (variation selectors are marks too), digits, emoji, spaces,
 * apostrophes (' ’), hyphens and dots, plus the zero-width non-joiner and joiner that Persian and
 * Indic names and emoji sequences need.
 */
const NAME_CHARACTERS =
  /^(?:[\p{L}\p{M}\p{Nd}\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator} '’.-]|\u200C|\u200D)*$/u;
const STARTS_WITH_LETTER = /^\p{L}/u;

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
    return `${field} may contain only letters, digits, spaces, emoji, apostrophes, hyphens and dots`;
  }
  if (!STARTS_WITH_LETTER.test(value)) return `${field} must start with a letter`;
  return undefined;
}
