/**
 * `derive`, kept per frozen input: a frozen value cannot change, so what was derived from it
 * stands (the shared query parses of query-once.ts, memoised user views). Anything else is
 * derived every time. Kept weakly: an input no longer used is collected with what it gave.
 */
export function memoisedForFrozen<T extends object, V>(derive: (value: T) => V): (value: T) => V {
  const kept = new WeakMap<T, V>();
  return (value) => {
    if (!Object.isFrozen(value)) return derive(value);
    if (kept.has(value)) return kept.get(value) as V;
    const derived = derive(value);
    kept.set(value, derived);
    return derived;
  };
}
