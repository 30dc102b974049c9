import { Injectable, Logger } from '@nestjs/common';
import type { Server } from 'socket.io';

export type NotificationType = 'request' | 'request_accepted' | 'message';

/** `newNotification` payload (contract §5.5). */
export interface Notification {
  type: NotificationType;
  from: string;
  text: string;
  targetUserId: string;
}

export const userRoom = (userId: string) => `user:${userId}`;

/**
 * What other modules inject to reach users live: emits to every socket of a user, on any API
 * instance (through the Redis adapter). Offline users simply receive nothing.
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);
  private server?: Server;

  attach(server: Server): void {
    this.server = server;
  }

  notify(userId: string, notification: Notification): void {
    this.emitToUsers([userId], 'newNotification', notification);
  }

  emitToUsers(userIds: string[], event: string, payload: unknown): void {
    if (!this.server) {
      this.logger.warn({ msg: 'Socket server not ready; event dropped', event });
      return;
    }
    if (userIds.length === 0) return;
    this.server.to(userIds.map(userRoom)).emit(event, payload);
  }
}
