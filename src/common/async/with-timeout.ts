/**
 * Resolves as `work` does, or rejects with `Error(message)` after `ms` — whichever comes first.
 * The timer is cleared either way and never keeps the process alive. (`work` itself is not
 * cancelled: use it where an answer that comes too late may be ignored.)
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
