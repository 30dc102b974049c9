import 'reflect-metadata';
import type { FixedErrorEntry } from '../errors/app-error';

export const UNKNOWN_FIELDS_MESSAGE = 'unknownFieldsMessage';

/** What the validation pipe answers for fields outside a DTO's allowed list. */
export interface UnknownFieldsAnswer {
  message: string;
  /** The catalogue code when the message is an entry's; `VALIDATION_FAILED` otherwise. */
  code?: string;
}

/**
 * A DTO-specific answer for fields outside the allowed list: a message (e.g. `Invalid update
 * fields`) or a catalogue entry, whose code the error then carries.
 */
export function UnknownFieldsMessage(answer: string | FixedErrorEntry): ClassDecorator {
  const value: UnknownFieldsAnswer =
    typeof answer === 'string'
      ? { message: answer }
      : { message: answer.message, code: answer.code };
  return (target) => Reflect.defineMetadata(UNKNOWN_FIELDS_MESSAGE, value, target);
}
