import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from '../../scripts/services';

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Polls `check` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A `redis-server` of this test file alone, on its own loopback port, that the test may kill and
 * start again on the same port (a Redis outage) without touching the Redis other tests share.
 * Without `persistDir` nothing is persisted (a restart comes back empty); with it, every write is
 * appended to an AOF file synced before the reply (`appendfsync always`), as a production Redis
 * holding BullMQ queues is configured, so a restart after a crash keeps every acknowledged write.
 */
export class PrivateRedis {
  port = 0;
  private child?: ChildProcess;

  constructor(private readonly options: { persistDir?: string } = {}) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const child = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--save',
        '',
        ...(this.options.persistDir
          ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.options.persistDir]
          : ['--appendonly', 'no']),
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitForListening(child, this.port, 'redis-server', 10000);
    return this;
  }

  /** Kills the server (SIGKILL: no goodbye to clients) and waits until the port is closed. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await killAndWaitForPortClosed(child, this.port);
  }
}

/** Waits until `child` listens on `port`; fails at once if it exits first. */
export async function waitForListening(
  child: ChildProcess,
  port: number,
  name: string,
  timeoutMs: number,
): Promise<void> {
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode})`);
      return portOpen(port);
    },
    `${name} on port ${port}`,
    timeoutMs,
  );
}

/** SIGKILL (a crash: no goodbye to clients), then waits until its port is closed. */
export async function killAndWaitForPortClosed(
  child: ChildProcess | undefined,
  port: number,
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  await waitUntil(async () => !(await portOpen(port)), `port ${port} to close`, 5000);
}
