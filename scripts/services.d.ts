export interface MongoHandle {
  uri: string;
  kind: 'MONGODB_URI' | 'mongod' | 'ferretdb-documentdb' | 'ferretdb-sqlite';
  pid?: number;
  /** FerretDB v2 + DocumentDB: the private PostgreSQL cluster behind it. */
  postgresUrl?: string;
  stop(): Promise<void>;
}
export interface RedisHandle {
  url: string;
  kind: 'REDIS_URL' | 'local' | 'redis-server';
  pid?: number;
  stop(): Promise<void>;
}
export function resolveMongo(options: { dataDir: string }): Promise<MongoHandle>;
export function resolveRedis(options: { dataDir: string }): Promise<RedisHandle>;
export function ensureFerretdb(version?: string): string;
export function freePort(): Promise<number>;
export function which(binary: string): string | undefined;
export function redisAnswersPing(port: number, host?: string, timeoutMs?: number): Promise<boolean>;
export function devSecrets(dataDir: string): Record<'ACCESS_TOKEN_SECRET_KEY' | 'REFRESH_TOKEN_SECRET_KEY', string>;
export const ROOT: string;
