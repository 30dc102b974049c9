import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster } from '../../scripts/documentdb';
import { ensureFerretdb, freePort } from '../../scripts/services';
import { killAndWaitForPortClosed, waitForListening } from './private-redis';

type Launch = (port: number) => { binary: string; args: string[] };

/**
 * A MongoDB-compatible server of this test file alone, of the same kind the suite runs on
 * (`TEST_MONGODB_KIND`): FerretDB v2 over a private PostgreSQL + DocumentDB cluster, FerretDB
 * 1.24 on SQLite, or mongod. The test may kill its server process and start it again on the same
 * port (a database outage) without touching the database other tests share. Data survives the
 * restart (it lives in PostgreSQL / SQLite / the dbpath). `create()` answers undefined when the
 * suite runs on a MONGODB_URI we cannot start a copy of.
 */
export class PrivateStorage {
  port = 0;
  private child?: ChildProcess;

  private constructor(
    private readonly dataDir: string,
    private readonly launch: Launch,
    private readonly cleanup: () => void,
  ) {}

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}`;
  }

  static create(kind = process.env.TEST_MONGODB_KIND): PrivateStorage | undefined {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devlink-fault-db-'));
    const stateDir = path.join(dataDir, 'ferretdb');
    fs.mkdirSync(stateDir);
    const ferretArgs = (port: number) => [
      `--state-dir=${stateDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--log-level=warn',
    ];
    const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'ferretdb-documentdb') {
      let clusterUrl = '';
      let stopCluster = () => undefined as void;
      const binary = ensureFerretdb('v2.7.0');
      const storage = new PrivateStorage(
        dataDir,
        (port) => ({
          binary,
          args: [
            `--postgresql-url=${clusterUrl}`,
            '--no-auth',
            '--debug-addr=-',
            ...ferretArgs(port),
          ],
        }),
        () => {
          stopCluster();
          removeDir();
        },
      );
      let clusterPort = 0;
      const startBackend = () => {
        const cluster = startCluster({
          preferredDir: path.join(dataDir, 'postgres'),
          port: clusterPort,
        });
        clusterUrl = cluster.url;
        stopCluster = cluster.stop;
      };
      storage.prepare = async () => {
        clusterPort = await freePort();
        startBackend();
      };
      storage.backend = {
        stop: () => {
          stopCluster();
          stopCluster = () => undefined;
        },
        start: startBackend,
      };
      return storage;
    }
    if (kind === 'ferretdb-sqlite') {
      const binary = ensureFerretdb('v1.24.2');
      return new PrivateStorage(
        dataDir,
        (port) => ({
          binary,
          args: [
            '--handler=sqlite',
            `--sqlite-url=file:${stateDir}/`,
            '--debug-addr=',
            ...ferretArgs(port),
          ],
        }),
        removeDir,
      );
    }
    const mongod =
      process.env.MONGOD_BINARY ??
      (spawnSync('sh', ['-c', 'command -v mongod'], { encoding: 'utf8' }).stdout.trim() ||
        undefined);
    if (kind === 'mongod' && mongod) {
      return new PrivateStorage(
        dataDir,
        (port) => ({
          binary: mongod,
          args: ['--dbpath', stateDir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'],
        }),
        removeDir,
      );
    }
    removeDir();
    return undefined;
  }

  /**
   * The PostgreSQL cluster behind FerretDB v2 (only for that engine): stopping it leaves FerretDB
   * running but unable to serve anything; starting it again uses the same port and data.
   */
  backend?: { stop(): void; start(): void };

  /** Work before the first start (the PostgreSQL cluster of FerretDB v2). */
  private prepare: () => Promise<void> = () => Promise.resolve();

  /** Starts the server (the first time on a free port, later on the same one). */
  async start(): Promise<this> {
    if (!this.port) {
      await this.prepare();
      this.port = await freePort();
    }
    const { binary, args } = this.launch(this.port);
    const log = fs.openSync(path.join(this.dataDir, 'server.log'), 'a');
    const child = spawn(binary, args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.child = child;
    await waitForListening(child, this.port, binary, 30000);
    return this;
  }

  /** Kills the server process (SIGKILL: a crash) and waits until its port is closed. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await killAndWaitForPortClosed(child, this.port);
  }

  /** Stops the server and whatever it ran on, and removes the data. */
  async close(): Promise<void> {
    await this.stop();
    this.cleanup();
  }
}
