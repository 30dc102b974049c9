import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { NotificationType } from '../presence/presence.events';

export const NOTIFICATION_TYPES: readonly NotificationType[] = [
  'request',
  'request_accepted',
  'message',
];

/**
 * One `newNotification` as it was pushed (collection `notifications`), kept so a user who was
 * offline sees what they missed. Removed after NOTIFICATION_RETENTION_DAYS by a scheduled job.
 */
@Schema({ collection: 'notifications', versionKey: false })
export class StoredNotification {
  /** The recipient. */
  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: NOTIFICATION_TYPES })
  type!: NotificationType;

  /** Who caused it (the requester, the accepter, the sender). */
  @Prop({ type: Types.ObjectId, required: true })
  actorId!: Types.ObjectId;

  /** The pushed text, as the SPA showed it. */
  @Prop({ type: String, required: true })
  text!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  readAt!: Date | null;
}

export type NotificationRecord = StoredNotification & { _id: Types.ObjectId };

export const NotificationSchema = SchemaFactory.createForClass(StoredNotification);
NotificationSchema.index({ userId: 1, _id: -1 }); // the inbox, newest first
NotificationSchema.index({ userId: 1, readAt: 1 }); // unread count; mark all read
