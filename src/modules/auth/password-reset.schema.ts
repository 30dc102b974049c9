import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * One emailed password-reset link (collection `password_resets`). Only the token's SHA-256 is
 * kept; a link works once (`usedAt`) and until `expiresAt`, both checked in the consuming
 * update itself. Old rows are swept with expired sessions (session-cleanup.service.ts).
 */
@Schema({ collection: 'password_resets', timestamps: { createdAt: true, updatedAt: false } })
export class PasswordReset {
  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  userId!: Types.ObjectId;

  /** SHA-256 hex of the token in the link. */
  @Prop({ type: String, required: true })
  tokenHash!: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  /** Set by the reset that used this link, or when another link of the user was used. */
  @Prop({ type: Date, default: null })
  usedAt!: Date | null;
}

export type PasswordResetRecord = PasswordReset & { _id: Types.ObjectId; createdAt: Date };

export const PasswordResetSchema = SchemaFactory.createForClass(PasswordReset);
PasswordResetSchema.index({ tokenHash: 1 }, { unique: true }); // consume a link
PasswordResetSchema.index({ userId: 1, usedAt: 1 }); // retire a user's other links
PasswordResetSchema.index({ expiresAt: 1 }); // clean-up
