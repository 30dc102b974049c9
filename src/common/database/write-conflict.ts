/** MongoDB's WriteConflict: another operation changed what this one needed; retrying is safe. */
const WRITE_CONFLICT_CODE = 112;

/**
 * DocumentDB keeps unique indexes as PostgreSQL exclusion constraints, and two concurrent inserts
 * of one key into those may end in a deadlock (one of them aborted) instead of a duplicate-key
 * error; FerretDB passes PostgreSQL's message through.
 */
const DEADLOCK = /deadlock detected/;

/** Whether a write failed only because it raced another one, so running it again is safe. */
export function isWriteConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === WRITE_CONFLICT_CODE || (typeof message === 'string' && DEADLOCK.test(message));
}

/** Runs `write`, again (up to `attempts` in all) while it fails only by racing another write. */
export async function retryOnWriteConflict<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isWriteConflict(error)) throw error;
    }
  }
}
