import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * One login on one device (collection `sessions`). The refresh token is rotated on every refresh;
 * `generation` counts rotations and only hashes of the current and previous tokens are kept.
 */
@Schema({ collection: 'sessions', timestamps: true })
export class Session {
  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  userId!: Types.ObjectId;

  @Prop({ type: Number, required: true, default: 0 })
  generation!: number;

  /** SHA-256 hex of the current refresh JWT. */
  @Prop({ type: String, required: true })
  tokenHash!: string;

  /** SHA-256 hex of the refresh JWT this one replaced (grace window for concurrent refreshes). */
  @Prop({ type: String, default: null })
  previousTokenHash!: string | null;

  /** `iat` of the current refresh JWT, so the very same token can be re-issued in the grace window. */
  @Prop({ type: Date, required: true })
  issuedAt!: Date;

  @Prop({ type: Date, default: null })
  rotatedAt!: Date | null;

  /** `exp` of the current refresh JWT; expired sessions are swept by a scheduled clean-up. */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;

  @Prop({ type: String, default: null })
  revokedReason!: string | null;

  @Prop({ type: String, maxlength: 256 })
  userAgent?: string;

  /** The client's network only (client-device.ts `coarseIp`), at login and at each refresh. */
  @Prop({ type: String, maxlength: 64 })
  ipPrefix?: string;

  /** Login or last refresh: not every request (that would be a write per request). */
  @Prop({ type: Date })
  lastUsedAt?: Date;
}

export type SessionRecord = Session & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

export const SessionSchema = SchemaFactory.createForClass(Session);
SessionSchema.index({ userId: 1, revokedAt: 1 }); // revoke all of a user's sessions
SessionSchema.index({ expiresAt: 1 }); // clean-up of expired sessions
