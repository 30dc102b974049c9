export function ensureDocumentdb(
  root: string,
  log: (message: string) => void,
): { ok: true; how: string } | { ok: false; reason: string };
export function startCluster(options: { preferredDir: string; port: number }): {
  dir: string;
  url: string;
  stop(): void;
};
/** ANALYZE of the tables behind the collections of MongoDB database `database`; returns the table names. */
export function analyzeDocumentTables(url: string, database: string): string[];
