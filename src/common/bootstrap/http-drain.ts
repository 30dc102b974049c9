import type { INestApplication } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Server } from 'node:http';

/** What holds long-lived connections open: the socket server (PresenceGateway). */
export interface SocketDrain {
  drain(deadline: number): Promise<void>;
}

/** The requests an HTTP server is handling, and the switch that ends keep-alive for a drain. */
export interface RequestTracker {
  inFlight(): number;
  /** From now on every response closes its connection (a proxy's keep-alive pool lets go). */
  closeConnectionsAfterResponses(): void;
}

/** Tracks `server`'s requests (response not yet finished or aborted). Install before listening. */
export function trackRequests(server: Server): RequestTracker {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  // One listener for every response (no closure per request); `this` is the response.
  function untrack(this: ServerResponse): void {
    inFlight.delete(this);
  }
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    if (closing) closeAfter(res);
    res.on('close', untrack);
  });
  return {
    inFlight: () => inFlight.size,
    closeConnectionsAfterResponses: () => {
      closing = true;
      inFlight.forEach(closeAfter);
    },
  };
}

/**
 * The first step of an API instance's shutdown, before `app.close()`: stop accepting connections
 * (the load balancer's next attempt goes to another instance), let the sockets' pending events
 * finish and close their transports (clients reconnect elsewhere), then wait for in-flight HTTP
 * requests, all by `deadline` (ms since the epoch). Kept-alive connections (nginx pools them) are
 * closed as soon as they are idle, and responses still being written say `Connection: close`.
 */
export async function drainHttp(
  app: INestApplication,
  sockets: SocketDrain,
  requests: RequestTracker,
  deadline: number,
): Promise<void> {
  const server = app.getHttpServer() as Server;
  requests.closeConnectionsAfterResponses();
  server.close();
  server.closeIdleConnections();
  await sockets.drain(deadline);
  while (requests.inFlight() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.closeIdleConnections();
  }
  server.closeIdleConnections();
}
