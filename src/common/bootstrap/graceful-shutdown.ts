import type { INestApplicationContext, LoggerService } from '@nestjs/common';

const FORCED_EXIT_AFTER_MS = 10_000;
/** Of the 10 s, what a drain may use; the rest is for closing queues, Redis and MongoDB. */
const DRAIN_WITHIN_MS = 6_000;

/**
 * SIGTERM/SIGINT: drain (the API: stop taking connections, let in-flight work finish, send
 * sockets elsewhere), close the app (HTTP server, sockets, queues, Redis, MongoDB through their
 * shutdown hooks) and exit 0. If something hangs, exit 1 after a deadline rather than never.
 */
export function exitOnSignals(
  app: INestApplicationContext,
  logger: LoggerService,
  drain?: (deadline: number) => Promise<void>,
): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log({ msg: 'Shutting down', signal });
    setTimeout(() => {
      logger.error({ msg: `Shutdown took over ${FORCED_EXIT_AFTER_MS} ms; forcing exit`, signal });
      process.exit(1);
    }, FORCED_EXIT_AFTER_MS).unref();
    const draining: Promise<void> = drain
      ? drain(Date.now() + DRAIN_WITHIN_MS).catch((error: unknown) => {
          logger.warn({ msg: 'Drain failed; closing anyway', err: error });
        })
      : Promise.resolve();
    draining
      .then(() => app.close())
      .then(
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
