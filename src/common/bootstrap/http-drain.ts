import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';

/** What holds long-lived connections open: the socket server (PresenceGateway). */
export interface SocketDrain {
  drain(deadline: number): Promise<void>;
}

/**
 * Counts requests being handled by `server` (response not yet finished or aborted). Install before
 * listening; read by {@link drainHttp}.
 */
export function countRequestsInFlight(server: Server): () => number {
  let inFlight = 0;
  server.on('request', (_req, res: NodeJS.EventEmitter) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  return () => inFlight;
}

/**
 * The first step of an API instance's shutdown, before `app.close()`: stop accepting connections
 * (the load balancer's next attempt goes to another instance), let the sockets' pending events
 * finish and close their transports (clients reconnect elsewhere), then wait for in-flight HTTP
 * requests, all by `deadline` (ms since the epoch).
 */
export async function drainHttp(
  app: INestApplication,
  sockets: SocketDrain,
  requestsInFlight: () => number,
  deadline: number,
): Promise<void> {
  const server = app.getHttpServer() as Server;
  server.close();
  server.closeIdleConnections();
  await sockets.drain(deadline);
  while (requestsInFlight() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
