import type { ChildProcess } from 'node:child_process';

export interface SupervisedProcess {
  readonly name: string;
  readonly alive: boolean;
  readonly starts: number;
  child?: ChildProcess;
  stop(options?: { restart?: boolean }): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
}
export interface ClusterHandle {
  url: string;
  dir: string;
  apis: { process: SupervisedProcess; port: number; url: string }[];
  workers: SupervisedProcess[];
  nginx: SupervisedProcess;
  roll(options?: { onStep?: (name: string, seconds: number) => void }): Promise<number[]>;
  stop(): Promise<void>;
}
export function startCluster(options: {
  env: Record<string, string | undefined>;
  apis?: number;
  workers?: number;
  port?: number;
  entry?: (name: 'main' | 'main.worker') => string[];
  onOutput?: (name: string, chunk: Buffer) => void;
  runtimeDir?: string;
}): Promise<ClusterHandle>;
export function ensureNginx(): string;
