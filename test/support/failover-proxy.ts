import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FailoverProxy {
  url: string;
  /** TCP connections forwarded so far, per target port. */
  routed: Map<number, number>;
  close(): Promise<void>;
}

/**
 * A TCP failover proxy on a loopback port, standing in for the load balancer in front of the API
 * instances: each new connection goes to the first target (in order) that accepts it, and lives
 * and dies with that upstream connection. While the first instance is up every client is on it
 * (HTTP long-polling needs all requests of a socket on one instance); once it is killed its
 * connections close, and the clients' reconnects land on the next one.
 */
export async function startFailoverProxy(targetPorts: number[]): Promise<FailoverProxy> {
  const routed = new Map<number, number>();
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.pause();
    let upstream: net.Socket | undefined;
    client.on('error', () => upstream?.destroy());
    client.on('close', () => {
      open.delete(client);
      upstream?.destroy();
    });
    const tryTarget = (index: number) => {
      if (index >= targetPorts.length || client.destroyed) return void client.destroy();
      const port = targetPorts[index];
      const candidate = net.connect(port, '127.0.0.1');
      let connected = false;
      candidate.once('connect', () => {
        connected = true;
        upstream = candidate;
        routed.set(port, (routed.get(port) ?? 0) + 1);
        client.pipe(candidate);
        candidate.pipe(client);
        client.resume();
      });
      candidate.on('error', () => {
        if (!connected) tryTarget(index + 1);
      });
      candidate.on('close', () => {
        if (connected) client.destroy();
      });
    };
    tryTarget(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
