import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * One user blocking another (collection `blocks`). Either direction hides the pair from each
 * other (feed, requests, presence) and makes their chat read-only; only the blocker can lift it.
 */
@Schema({ collection: 'blocks', versionKey: false })
export class Block {
  @Prop({ type: Types.ObjectId, required: true })
  blockerId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  blockedId!: Types.ObjectId;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}

export type BlockRecord = Block & { _id: Types.ObjectId };

export const BlockSchema = SchemaFactory.createForClass(Block);
BlockSchema.index({ blockerId: 1, blockedId: 1 }, { unique: true }); // one block per pair and direction; unblock
BlockSchema.index({ blockerId: 1, _id: -1 }); // the blocker's list, newest first; whom a user blocked
BlockSchema.index({ blockedId: 1 }); // who blocked a user
