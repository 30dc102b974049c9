import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** `src/main.worker.ts` → `<root>/dist/main.worker.js`. */
export function compiledEntry(entry: string): string {
  const match = /^src\/(.+)\.ts$/.exec(entry);
  if (!match) throw new Error(`not an entry point under src/: ${entry}`);
  return path.join(ROOT, 'dist', `${match[1]}.js`);
}

export interface SpawnedProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
}

/**
 * Runs one of the real entry points (src/main.ts, src/main.worker.ts, src/main.migrate.ts) as its
 * own process, from its compiled file in dist/ (the e2e global setup rebuilds a stale dist/), with
 * exactly the given environment.
 */
export function spawnEntry(entry: string, env: Record<string, string | undefined>): SpawnedProcess {
  const child = spawn(process.execPath, [compiledEntry(entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForOutput = async (pattern: RegExp, timeoutMs = 30000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (child.exitCode !== null) throw new Error(`process exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, output: () => output, exited, waitForOutput };
}
