import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

/**
 * A Nest application context without HTTP (the worker, the migrations), logging through pino
 * from the first line. Returns the context and its logger.
 */
export async function createLoggedContext(
  module: DynamicModule,
): Promise<{ app: INestApplicationContext; logger: Logger }> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  return { app, logger };
}

/** The last words of an entry point that failed before its logger existed: one JSON line. */
export function exitWithFatal(processName: string, msg: string) {
  return (error: unknown): never => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', process: processName, msg, err: String((error as Error)?.stack ?? error) })}\n`,
    );
    process.exit(1);
  };
}
