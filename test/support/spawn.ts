import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface SpawnedProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
}

/**
 * Runs one of the real entry points (src/main.ts, src/main.worker.ts) as its own process,
 * compiled on the fly without type checks, with exactly the given environment.
 */
export function spawnEntry(entry: string, env: Record<string, string | undefined>): SpawnedProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(ROOT, entry)],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
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
