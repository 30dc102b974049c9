/** The one ObjectId shape we accept from outside: 24 hexadecimal characters, any case. */
export const OBJECT_ID_PATTERN = /^[0-9a-f]{24}$/i;

export function isObjectIdString(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID_PATTERN.test(value);
}
