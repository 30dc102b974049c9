import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import Redis from 'ioredis';
import type { IncomingMessage } from 'node:http';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { redisOptionsFromUrl } from '../../common/redis/redis-options';
import type { AppConfig } from '../../config/app-config';
import { ResumableRedisAdapter, TAB_RESUME_TTL_MS } from './tab-resume';

type AdapterNamespace = ConstructorParameters<typeof ResumableRedisAdapter>[0];

/**
 * Socket.io on the API's own HTTP server, with CORS from FRONTEND_URL and the Redis adapter, so
 * an event emitted on one API instance reaches sockets connected to any other.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly clients: Redis[] = [];
  private adapter?: (nsp: AdapterNamespace) => ResumableRedisAdapter;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  /** Connects in the background (ioredis retries), so a Redis outage degrades but never blocks boot. */
  connect(): void {
    // maxRetriesPerRequest: null — subscriptions wait for Redis to come back instead of rejecting.
    const pub = new Redis({
      ...redisOptionsFromUrl(this.config.redis.url),
      maxRetriesPerRequest: null,
    });
    const sub = pub.duplicate();
    // A handshake waits for its resume lookup: bounded, so a Redis outage never holds it.
    const resumes = new Redis({
      ...redisOptionsFromUrl(this.config.redis.url),
      commandTimeout: 1_000,
      maxRetriesPerRequest: 1,
    });
    for (const client of [pub, sub, resumes]) client.on('error', () => undefined); // reported by /health/ready
    this.clients.push(pub, sub, resumes);
    const { keyPrefix } = this.config.redis;
    // A function, not an arrow: socket.io calls it with `new` once per namespace.
    this.adapter = function adapterFor(nsp: AdapterNamespace) {
      return new ResumableRedisAdapter(
        nsp,
        pub,
        sub,
        { key: `${keyPrefix}:socket.io` },
        resumes,
        keyPrefix,
      );
    };
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      path: '/socket.io',
      cors: { origin: this.config.frontendUrl, credentials: true },
      // A bigger frame closes that connection only (engine.io; the client reconnects).
      maxHttpBufferSize: this.config.sockets.maxPayloadBytes,
      // A tab whose connection dropped resumes its chat on its next connection (tab-resume.ts);
      // the handshake still authenticates it.
      connectionStateRecovery: {
        maxDisconnectionDuration: TAB_RESUME_TTL_MS,
        skipMiddlewares: false,
      },
      // Browsers always send Origin; only the SPA's may open a cookie-authenticated socket.
      allowRequest: (
        req: IncomingMessage,
        callback: (err: string | null, success: boolean) => void,
      ) => {
        const origin = req.headers.origin;
        callback(null, origin === undefined || origin === this.config.frontendUrl);
      },
    }) as Server;
    if (this.adapter) server.adapter(this.adapter);
    return server;
  }

  /**
   * Each `@SubscribeMessage` handler as a plain listener on the socket. Nest's adapter builds an
   * RxJS pipeline per handler per socket instead (fromEvent, mergeMap, takeUntil a shared
   * disconnect stream): about 18 subscribers and 120 closures that an idle socket keeps, a third
   * of its memory. A disconnected socket emits nothing more and is collected with its listeners.
   * What a handler returns is handled as Nest does: an `{ event, data }` is emitted, anything
   * else non-nil answers the acknowledgement.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      const event = String(message);
      socket.on(event, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]) as {
          data: unknown;
          ack?: unknown;
        };
        transform(callback(data, ack)).subscribe({
          next: (response) => answer(socket, response, ack, isAckHandledManually),
          // Nest's handler proxy already turned a thrown error into the exception filter's answer.
          error: (error: unknown) =>
            RedisIoAdapter.logger.error({ msg: 'Socket handler failed', event, err: error }),
        });
      });
    }
  }

  private static readonly logger = new Logger('RedisIoAdapter');

  override async close(server: Server): Promise<void> {
    // No namespace disconnect: server.close() drops transports, so clients reconnect elsewhere.
    await super.close(server);
    for (const client of this.clients.splice(0)) {
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    }
  }
}

function answer(
  socket: Socket,
  response: unknown,
  ack: unknown,
  isAckHandledManually: boolean | undefined,
): void {
  if (response === undefined || response === null) return;
  const reply = response as { event?: string; data?: unknown };
  if (reply.event) {
    socket.emit(reply.event, reply.data);
    return;
  }
  if (!isAckHandledManually && typeof ack === 'function') (ack as (r: unknown) => void)(response);
}
