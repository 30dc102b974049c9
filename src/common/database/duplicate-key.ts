/** MongoDB's (and FerretDB's) duplicate key error code. */
export const DUPLICATE_KEY_CODE = 11000;

/**
 * Unique-index violations that FerretDB reports as InternalError (code 1) instead of E11000:
 * FerretDB 1.24 on SQLite for an update, and FerretDB v2 + DocumentDB when concurrent writes
 * (e.g. two upserts) race for the same key.
 */
const INTERNAL_UNIQUE_VIOLATION =
  /UNIQUE constraint failed: index |conflicting key value violates exclusion constraint/;

/** Whether a driver error is a unique-index violation (E11000), whatever wraps it. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === DUPLICATE_KEY_CODE ||
    (code === 1 && typeof message === 'string' && INTERNAL_UNIQUE_VIOLATION.test(message))
  );
}
