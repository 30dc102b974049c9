import type { HttpStatus } from '@nestjs/common';

/**
 * One entry of an error catalogue: a domain code (what went wrong, e.g. `AUTH_INVALID_CREDENTIALS`,
 * never an HTTP name), the HTTP status the global filter answers with, and the message the SPA shows
 * verbatim (contract §1.4). Parameterised messages are functions (`Invalid ${name}`).
 */
export interface FixedErrorEntry {
  readonly code: string;
  readonly status: HttpStatus;
  readonly message: string;
}

export interface ParameterisedErrorEntry<Args extends unknown[] = never[]> {
  readonly code: string;
  readonly status: HttpStatus;
  readonly message: (...args: Args) => string;
}

export type ErrorEntry = FixedErrorEntry | ParameterisedErrorEntry;

/** A module's catalogue (`<module>.errors.ts`): entry names to entries. */
export type ErrorCatalogue = Readonly<Record<string, ErrorEntry>>;

/** The arguments an entry's message takes: none for a fixed message. */
export type ErrorArgs<E extends ErrorEntry> = E extends { message: (...args: infer A) => string }
  ? A
  : [];

/**
 * An expected failure with a message meant for the user (the SPA shows it verbatim).
 * Services throw these (built with {@link appError} from a catalogue entry); they never build HTTP
 * responses themselves.
 */
export class AppError extends Error {
  /** The entry's domain code, e.g. `REQUEST_ALREADY_EXISTS`. */
  readonly code: string;
  readonly status: number;

  constructor(
    entry: Pick<ErrorEntry, 'code' | 'status'>,
    message: string,
    /** Extra top-level keys for the error body (e.g. `retryAfter` on 429). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.code = entry.code;
    this.status = entry.status;
  }
}

/** The message of an entry, with its arguments for parameterised ones. */
export function errorMessage<E extends ErrorEntry>(entry: E, ...args: ErrorArgs<E>): string {
  return typeof entry.message === 'string'
    ? entry.message
    : (entry.message as (...values: unknown[]) => string)(...args);
}

/**
 * The contract's error envelope (§1.4) with the entry's code, for answers written outside the
 * global filter (middleware, the worker's health server). `code` is what clients branch on;
 * `message` stays the text the SPA shows.
 */
export interface ErrorBody {
  success: false;
  message: string;
  code: string;
  [key: string]: unknown;
}

export function errorBody(
  entry: Pick<ErrorEntry, 'code'>,
  message: string,
  extra?: Record<string, unknown>,
): ErrorBody {
  return { success: false, message, code: entry.code, ...extra };
}

/**
 * class-validator options answering with a catalogue entry: its message, and its code in the
 * constraint's context, which the validation pipe puts in the error (`@IsIn(list, entryRule(e))`).
 */
export function entryRule(entry: FixedErrorEntry): { message: string; context: { code: string } } {
  return { message: entry.message, context: { code: entry.code } };
}

/** The typed way to fail: `throw appError(AUTH_ERRORS.invalidCredentials)`. */
export function appError<E extends ErrorEntry>(entry: E, ...args: ErrorArgs<E>): AppError {
  return new AppError(entry, errorMessage(entry, ...args));
}

/**
 * A Swagger response description listing the messages a route can answer with, joined by ` | `.
 * Entries give their message; a string is a message already rendered from an entry (a
 * parameterised one with a placeholder, e.g. `errorMessage(COMMON_ERRORS.invalidId, 'userId')`) or
 * a note about messages that do not come from a catalogue (validation).
 */
export function describeErrors(...items: (FixedErrorEntry | string)[]): string {
  return items.map((item) => (typeof item === 'string' ? item : item.message)).join(' | ');
}
