import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { exitOnSignals } from './common/bootstrap/graceful-shutdown';
import { loadConfigOrExit } from './config/load-config-or-exit';
import { WorkerModule } from './worker.module';

/** The worker: an application context with no HTTP listener, hosting the queue processors. */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('worker');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  exitOnSignals(app, logger);
  await app.init();
  logger.log('Worker ready');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', process: 'worker', msg: 'Boot failed', err: String((error as Error)?.stack ?? error) })}\n`,
  );
  process.exit(1);
});
