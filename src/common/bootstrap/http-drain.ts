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

/** A response in flight, in a doubly linked list (see {@link trackRequests}). */
interface InFlight {
  res: ServerResponse;
  prev: InFlight | null;
  next: InFlight | null;
}

/**
 * Tracks `server`'s requests (response not yet finished or aborted). Install before listening.
 *
 * A linked list rather than a Set: a Set that gains and loses an entry per request is rehashed
 * every few requests, and V8 leaves each replaced table pointing at its successor with its old
 * entries in place. Once one table reached the old generation, every later table and the
 * responses it held (each with its request and all the handler allocated) survived young
 * collections until the next full one. Nor a property on the response: a computed key added to an
 * object with that many properties turns it into a slow dictionary for the rest of the request.
 */
export function trackRequests(server: Server): RequestTracker {
  let newest: InFlight | null = null;
  let count = 0;
  let closing = false;
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  // An unlinked entry points at nothing, so a dead one never keeps a live one's neighbours.
  const untrack = (entry: InFlight) => {
    if (entry.prev) entry.prev.next = entry.next;
    else newest = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    entry.prev = entry.next = null;
    count -= 1;
  };
  server.on('request', (_req, res: ServerResponse) => {
    const entry: InFlight = { res, prev: null, next: newest };
    if (newest) newest.prev = entry;
    newest = entry;
    count += 1;
    if (closing) closeAfter(res);
    res.on('close', () => untrack(entry));
  });
  return {
    inFlight: () => count,
    closeConnectionsAfterResponses: () => {
      closing = true;
      for (let entry = newest; entry; entry = entry.next) closeAfter(entry.res);
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
