import 'reflect-metadata';
import { createLoggedContext, exitWithFatal } from './common/bootstrap/application-context';
import { exitOnSignals } from './common/bootstrap/graceful-shutdown';
import { loadConfigOrExit } from './config/load-config-or-exit';
import { WorkerModule } from './worker.module';

/** The worker: an application context with no HTTP listener, hosting the queue processors. */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('worker');
  const { app, logger } = await createLoggedContext(WorkerModule.forRoot(config));
  exitOnSignals(app, logger);
  await app.init();
  logger.log('Worker ready');
}

bootstrap().catch(exitWithFatal('worker', 'Boot failed'));
