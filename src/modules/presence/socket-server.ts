import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../config/app-config';
import { RedisIoAdapter } from './redis-io.adapter';

/**
 * Puts Socket.io on the API's HTTP server with the Redis adapter (events reach sockets on every
 * instance). Call once, before `init`/`listen`. Every `@WebSocketGateway()` without a port or
 * namespace of its own — presence today, chat next — shares this one server and its sockets:
 * identity is set on `socket.data` by the presence handshake middleware, and users are reached
 * through `PresenceService.emitToUsers` (rooms `user:<id>`).
 */
export function installSocketServer(app: NestExpressApplication, config: AppConfig): void {
  const adapter = new RedisIoAdapter(app, config);
  adapter.connect();
  app.useWebSocketAdapter(adapter);
}
