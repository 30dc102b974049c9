/** MongoDB's (and FerretDB's) duplicate key error code. */
export const DUPLICATE_KEY_CODE = 11000;

/** Whether a driver error is a unique-index violation (E11000), whatever wraps it. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === DUPLICATE_KEY_CODE
  );
}
