import type { ModuleMetadata } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AppModule } from '../../src/app.module';
import { configureHttpApp } from '../../src/common/bootstrap/configure-http-app';
import { ApiExpressAdapter } from '../../src/common/bootstrap/http-adapter';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { installSocketServer } from '../../src/modules/presence/socket-server';

export const TEST_FRONTEND_URL = 'http://localhost:5173';

/** A unique namespace (database name and Redis key prefix) for one test file or app group. */
export function uniqueNamespace(label = 'e2e'): string {
  return `${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/** The base environment every spawned or in-process test app gets. */
export function testEnvironment(
  namespace: string,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const mongoUri = process.env.TEST_MONGODB_URI;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (!mongoUri || !redisUrl) throw new Error('Test services not started (global setup missing)');
  return {
    NODE_ENV: 'test',
    MONGODB_URI: mongoUri,
    MONGODB_DB_NAME: `devlink_${namespace}`,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `test:${namespace}`,
    ACCESS_TOKEN_SECRET_KEY: 'test-access-secret-0123456789',
    REFRESH_TOKEN_SECRET_KEY: 'test-refresh-secret-0123456789',
    FRONTEND_URL: TEST_FRONTEND_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BCRYPT_COST: '10',
    MAIL_OUTBOX_DIR: path.join(os.tmpdir(), `devlink-outbox-${namespace}`),
    // Tests stand in for one reverse proxy: each request's X-Forwarded-For picks its client IP
    // (randomClientIp keeps helpers clear of the per-IP auth limits). The default is 0.
    TRUST_PROXY_HOPS: '1',
    // Spawned workers run in parallel: no health port unless a test asks for one.
    WORKER_HEALTH_PORT: '0',
    ...overrides,
  };
}

export interface TestApp {
  app: NestExpressApplication;
  /** Base URL when started with `listen: true`. */
  url: string;
  config: AppConfig;
  server: Server;
  namespace: string;
  connection: Connection;
  /** Drops the database and the Redis keys of this namespace, then closes the app. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  namespace?: string;
  env?: Record<string, string | undefined>;
  imports?: ModuleMetadata['imports'];
  /** Keep data on close (another app instance shares the namespace). */
  keepData?: boolean;
  /** Listen on a real loopback port (needed for Socket.io clients). */
  listen?: boolean;
}

/** Boots the real AppModule, configured as main.ts does, against the real test services. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const namespace = options.namespace ?? uniqueNamespace();
  const config = loadConfig(testEnvironment(namespace, options.env));
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config), ...(options.imports ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(new ApiExpressAdapter(), {
    bodyParser: false,
    logger: process.env.TEST_LOG_LEVEL ? ['error', 'warn'] : false,
  });
  configureHttpApp(app, config);
  installSocketServer(app, config);
  if (options.listen) await app.listen(0, '127.0.0.1');
  else await app.init();
  const connection = app.get<Connection>(getConnectionToken());
  return {
    app,
    config,
    namespace,
    connection,
    server: app.getHttpServer(),
    url: options.listen
      ? `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`
      : '',
    close: async () => {
      if (!options.keepData) {
        await connection.dropDatabase().catch(() => undefined);
        await deleteRedisNamespace(config);
      }
      await app.close();
    },
  };
}

export async function deleteRedisNamespace(config: AppConfig): Promise<void> {
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${config.redis.keyPrefix}:*`,
        'COUNT',
        500,
      );
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis unreachable (e.g. a test pointing at a dead port): nothing to clean.
  } finally {
    redis.disconnect();
  }
}
