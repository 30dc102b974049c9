/** MongoDB's (and FerretDB's) duplicate key error code. */
export const DUPLICATE_KEY_CODE = 11000;

/** FerretDB 1.24 on SQLite reports a unique-index violation by an update this way (code 1). */
const SQLITE_UNIQUE_VIOLATION = /UNIQUE constraint failed: index /;

/** Whether a driver error is a unique-index violation (E11000), whatever wraps it. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === DUPLICATE_KEY_CODE ||
    (code === 1 && typeof message === 'string' && SQLITE_UNIQUE_VIOLATION.test(message))
  );
}
