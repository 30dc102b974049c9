import type { INestApplication } from '@nestjs/common';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainHttp, trackRequests } from './http-drain';

/** A server whose requests wait until released, so one can be in flight during a drain. */
async function slowServer() {
  const waiting: (() => void)[] = [];
  const server = http.createServer((_req, res) => {
    waiting.push(() => res.end('done'));
  });
  const requests = trackRequests(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true });
  const get = () =>
    new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ port, host: '127.0.0.1', agent }, resolve).on('error', reject),
    );
  const release = () => waiting.splice(0).forEach((finish) => finish());
  return { server, requests, get, release, agent };
}

describe('trackRequests', () => {
  it('counts requests in flight as they finish in any order, and closes every one still open at a drain', async () => {
    const waiting = new Map<string, () => void>();
    const server = http.createServer((req, res) => {
      waiting.set(req.url!, () => res.end('done'));
    });
    const requests = trackRequests(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<http.IncomingMessage>((resolve, reject) =>
        http.get({ port, host: '127.0.0.1', path, agent }, resolve).on('error', reject),
      );
    const settled = async (expected: number) => {
      while (requests.inFlight() !== expected) await new Promise((r) => setTimeout(r, 5));
    };
    const responses = new Map(['/1', '/2', '/3', '/4'].map((path) => [path, get(path)]));
    await settled(4);

    for (const [done, left] of [
      ['/2', 3],
      ['/4', 2],
    ] as const) {
      waiting.get(done)!();
      expect((await responses.get(done)!).headers.connection).toBe('keep-alive');
      await settled(left);
    }
    requests.closeConnectionsAfterResponses();
    for (const path of ['/1', '/3']) waiting.get(path)!();

    for (const path of ['/1', '/3'])
      expect((await responses.get(path)!).headers.connection).toBe('close');
    await settled(0);
    expect(requests.inFlight()).toBe(0);
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('drainHttp', () => {
  it('waits for a request in flight, answers it with Connection: close, and refuses new ones', async () => {
    const { server, requests, get, release, agent } = await slowServer();
    const inFlight = get();
    while (requests.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
    const sockets = { drain: jest.fn(() => Promise.resolve()) };
    const app = { getHttpServer: () => server } as unknown as INestApplication;
    const draining = drainHttp(app, sockets, requests, Date.now() + 5000);
    await new Promise((r) => setTimeout(r, 50));
    expect(sockets.drain).toHaveBeenCalledTimes(1);
    await expect(get()).rejects.toThrow(); // the listener is closed
    release();
    const response = await inFlight;
    expect(response.headers.connection).toBe('close');
    response.resume();
    await draining;
    expect(requests.inFlight()).toBe(0);
    agent.destroy();
  });

  it('gives up waiting at the deadline', async () => {
    const { server, requests, get, release, agent } = await slowServer();
    const stuck = get().catch(() => undefined);
    while (requests.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
    const app = { getHttpServer: () => server } as unknown as INestApplication;
    await drainHttp(app, { drain: () => Promise.resolve() }, requests, Date.now() + 100);
    expect(requests.inFlight()).toBe(1);
    release();
    await stuck;
    agent.destroy();
  });
});
