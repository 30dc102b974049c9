import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { appError } from '../../common/errors/app-error';
import { isObjectIdString } from '../../common/validation/object-id';
import { toChatUserView, type ChatUserView } from '../chat/chat.views';
import type { Notification, NotificationType } from '../presence/presence.events';
import { PresenceService } from '../presence/presence.service';
import { UsersRepository } from '../users/users.repository';
import type { NotificationRecord } from './notification.schema';
import { NOTIFICATION_ERRORS } from './notifications.errors';
import { MAX_UNREAD_COUNTED, readSelectionOf } from './notifications.rules';
import { NotificationsRepository } from './notifications.repository';

/** A notification in the inbox; `actor` is null once that user is gone. */
export interface NotificationView {
  _id: string;
  type: NotificationType;
  text: string;
  actor: ChatUserView | null;
  createdAt: string;
  readAt: string | null;
}

export const DEFAULT_NOTIFICATIONS_LIMIT = 20;
export const MAX_NOTIFICATIONS_LIMIT = 50;

/**
 * Notifications: pushed live as `newNotification` to the recipient's sockets and kept in their
 * inbox, so one sent while they were offline is not lost. Other modules notify through here.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly presence: PresenceService,
    private readonly notifications: NotificationsRepository,
    private readonly users: UsersRepository,
  ) {}

  /**
   * Pushes at once and stores alongside; never throws. A failed store loses only the inbox
   * entry (logged), never the request that caused it.
   */
  notify(userId: string, notification: Notification): void {
    this.presence.notify(userId, notification);
    if (!isObjectIdString(userId) || !isObjectIdString(notification.targetUserId)) return;
    this.notifications
      .insert({
        userId: new Types.ObjectId(userId),
        type: notification.type,
        actorId: new Types.ObjectId(notification.targetUserId),
        text: notification.text,
      })
      .catch((error: unknown) =>
        this.logger.error({ msg: 'Notification not stored', type: notification.type, err: error }),
      );
  }

  async list(callerId: Types.ObjectId, page: { before?: string; limit: number }) {
    const before = page.before ? new Types.ObjectId(page.before.toLowerCase()) : undefined;
    const rows = await this.notifications.page(callerId, before, page.limit + 1);
    const hasMore = rows.length > page.limit;
    const shown = rows.slice(0, page.limit);
    const actors = new Map(
      (
        await this.users.findManyByIds(
          [...new Set(shown.map((n) => n.actorId.toHexString()))].map(
            (id) => new Types.ObjectId(id),
          ),
        )
      ).map((user) => [user._id.toHexString(), user]),
    );
    const now = new Date();
    const view = (n: NotificationRecord): NotificationView => {
      const actor = actors.get(n.actorId.toHexString());
      return {
        _id: n._id.toHexString(),
        type: n.type,
        text: n.text,
        actor: actor ? toChatUserView(actor, now) : null,
        createdAt: n.createdAt.toISOString(),
        readAt: n.readAt ? n.readAt.toISOString() : null,
      };
    };
    return {
      data: shown.map(view),
      pagination: {
        hasMore,
        nextBefore: hasMore ? shown[shown.length - 1]._id.toHexString() : null,
      },
    };
  }

  /** `count` stops at MAX_UNREAD_COUNTED (`capped: true`). */
  async unreadCount(callerId: Types.ObjectId): Promise<{ count: number; capped: boolean }> {
    const count = await this.notifications.countUnread(callerId, MAX_UNREAD_COUNTED);
    return { count, capped: count >= MAX_UNREAD_COUNTED };
  }

  /** Marks the caller's own notifications read; ids of anyone else's are left alone. */
  async markRead(
    callerId: Types.ObjectId,
    body: { ids?: string[]; all?: boolean },
  ): Promise<{ updated: number }> {
    const selection = readSelectionOf(body);
    if (!selection) throw appError(NOTIFICATION_ERRORS.readSelection);
    return { updated: await this.notifications.markRead(callerId, selection, new Date()) };
  }
}
