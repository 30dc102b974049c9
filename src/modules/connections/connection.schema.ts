import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

export const CONNECTION_STATUSES = ['interested', 'ignored', 'accepted', 'rejected'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** An `ignored` swipe hides the other user for this long; then either side may send again. */
export const IGNORE_EXPIRY_MS = 30 * 24 * 60 * 60 * 1000;

/** `ignored` swipes created before this instant have expired at `now`. */
export function ignoreExpiryCutoff(now: Date): Date {
  return new Date(now.getTime() - IGNORE_EXPIRY_MS);
}

/**
 * Whether a document is an `ignored` swipe older than 30 days at `now` (strictly: one exactly
 * 30 days old still hides the pair). Such a swipe no longer hides the pair in the feed, and a new
 * send replaces it. The send route, the feed and the repository's conditional delete use this rule.
 */
export function isExpiredIgnore(
  connection: Pick<Connection, 'status' | 'createdAt'>,
  now: Date,
): boolean {
  return (
    connection.status === 'ignored' &&
    connection.createdAt.getTime() < ignoreExpiryCutoff(now).getTime()
  );
}

/** Sorted ids joined by `_`: one document per pair of users, whoever sent it (contract §4.6). */
export function pairKeyOf(a: Types.ObjectId | string, b: Types.ObjectId | string): string {
  return [String(a), String(b)].sort().join('_');
}

/** Collection `connectionmodels` (contract §4.2): requests and connections between two users. */
@Schema({ collection: 'connectionmodels', timestamps: true })
export class Connection {
  @Prop({ type: String, required: true, unique: true })
  pairKey!: string;

  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  fromUserId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  toUserId!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: CONNECTION_STATUSES })
  status!: ConnectionStatus;

  createdAt!: Date;
  updatedAt!: Date;
}

export type ConnectionRecord = Connection & { _id: Types.ObjectId; __v: number };
export type ConnectionDocument = HydratedDocument<Connection>;

export const ConnectionSchema = SchemaFactory.createForClass(Connection);
ConnectionSchema.pre('validate', function (next) {
  if (this.fromUserId && this.toUserId) {
    if (this.fromUserId.equals(this.toUserId))
      return next(new Error('fromUserId and toUserId must differ'));
    this.pairKey = pairKeyOf(this.fromUserId, this.toUserId);
  }
  next();
});
ConnectionSchema.index({ fromUserId: 1, toUserId: 1 }, { unique: true });
ConnectionSchema.index({ toUserId: 1, status: 1, createdAt: -1 }); // received requests, connections, feed exclusions
ConnectionSchema.index({ fromUserId: 1, status: 1, createdAt: -1 }); // sent requests, connections, feed exclusions
ConnectionSchema.index({ status: 1, createdAt: 1 }); // daily digest
