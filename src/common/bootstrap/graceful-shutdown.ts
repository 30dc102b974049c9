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
    logger.log({ msg: 'Shutting down', signal });
    setTimeout(() => {
      logger.error({ msg: `Shutdown took over ${FORCED_EXIT_AFTER_MS} ms; forcing exit`, signal });
      process.exit(1);
    }, FORCED_EXIT_AFTER_MS).unref();
    app.close().then(
      () => {
        logger.log({ msg: 'Shutdown complete', signal });
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ msg: 'Shutdown failed', err: error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
