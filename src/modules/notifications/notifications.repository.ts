import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { NotificationType } from '../presence/presence.events';
import { NotificationRecord, StoredNotification } from './notification.schema';
import type { ReadSelection } from './notifications.rules';

/** The only place that queries `notifications`; every query names its index. */
@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectModel(StoredNotification.name) private readonly notifications: Model<StoredNotification>,
  ) {}

  async insert(entry: {
    userId: Types.ObjectId;
    type: NotificationType;
    actorId: Types.ObjectId;
    text: string;
  }): Promise<void> {
    await this.notifications.collection.insertOne({
      _id: new Types.ObjectId(),
      ...entry,
      createdAt: new Date(),
      readAt: null,
    });
  }

  /** Index: `{ userId, _id }`. Newest first, strictly older than `before`. */
  page(userId: Types.ObjectId, before: Types.ObjectId | undefined, limit: number) {
    return this.notifications
      .find({ userId, ...(before && { _id: { $lt: before } }) })
      .sort({ _id: -1 })
      .hint({ userId: 1, _id: -1 })
      .limit(limit)
      .lean<NotificationRecord[]>()
      .exec();
  }

  /** Index: `{ userId, readAt }`. Unread notifications, counted up to `cap`. */
  countUnread(userId: Types.ObjectId, cap: number): Promise<number> {
    return this.notifications
      .countDocuments({ userId, readAt: null }, { limit: cap })
      .hint({ userId: 1, readAt: 1 })
      .exec();
  }

  /** Index: `{ userId, readAt }`. Only the caller's own unread ones change. */
  async markRead(userId: Types.ObjectId, selection: ReadSelection, now: Date): Promise<number> {
    const filter =
      'ids' in selection
        ? { userId, readAt: null, _id: { $in: selection.ids } }
        : { userId, readAt: null };
    const result = await this.notifications.updateMany(filter, { $set: { readAt: now } }).exec();
    return result.modifiedCount;
  }

  /** Index: `{ userId, _id }`. A deleted account's inbox. */
  async removeAllOf(userId: Types.ObjectId): Promise<void> {
    await this.notifications.deleteMany({ userId }).exec();
  }

  /** Index: `_id`. Every notification created before `cutoff` (an id made from a time). */
  async removeBefore(cutoff: Types.ObjectId): Promise<number> {
    const result = await this.notifications.deleteMany({ _id: { $lt: cutoff } }).exec();
    return result.deletedCount;
  }
}
