import 'reflect-metadata';

export const UNKNOWN_FIELDS_MESSAGE = 'unknownFieldsMessage';

/** A DTO-specific message for fields outside the allowed list (e.g. `Invalid update fields`). */
export function UnknownFieldsMessage(message: string): ClassDecorator {
  return (target) => Reflect.defineMetadata(UNKNOWN_FIELDS_MESSAGE, message, target);
}
