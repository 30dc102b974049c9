import type { INestApplicationContext, LoggerService } from '@nestjs/common';

const FORCED_EXIT_AFTER_MS = 10_000;

/**
 * SIGTERM/SIGINT: close the app (HTTP server, sockets, queues, Redis, MongoDB through their
 * shutdown hooks) and exit 0. If something hangs, exit 1 after a deadline rather than never.
 */
export function exitOnSignals(app: INestApplicationContext, logger: LoggerService): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log({ signal }, 'Shutting down');
    setTimeout(() => {
      logger.error({ signal }, `Shutdown took over ${FORCED_EXIT_AFTER_MS} ms; forcing exit`);
      process.exit(1);
    }, FORCED_EXIT_AFTER_MS).unref();
    app.close().then(
      () => {
        logger.log({ signal }, 'Shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
