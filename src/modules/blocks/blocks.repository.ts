import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { Block, BlockRecord } from './block.schema';
import { blockDirection, type BlockDirection, type UserBlocks } from './block.rules';
import { BlocksCache } from './blocks.cache';

/** More blocks than anyone makes by hand; a user's list past this is cut (newest kept). */
export const MAX_BLOCKS_READ = 5000;

/**
 * The only place that queries `blocks`; every query names its index. Writes invalidate both
 * users' {@link BlocksCache} entries after the database write.
 */
@Injectable()
export class BlocksRepository {
  constructor(
    @InjectModel(Block.name) private readonly blocks: Model<Block>,
    private readonly cache: BlocksCache,
  ) {}

  /**
   * Index: unique `{ blockerId, blockedId }`. Idempotent: a second block (or a racing one) keeps
   * the first; `created` says whether this call made it.
   */
  async block(
    blockerId: Types.ObjectId,
    blockedId: Types.ObjectId,
    now: Date,
  ): Promise<{ block: BlockRecord; created: boolean }> {
    let created = false;
    try {
      const result = await this.blocks
        .updateOne(
          { blockerId, blockedId },
          // Made here, not by the server: the list sorts by `_id`, newest first, and ids from one
          // process follow the order blocks were made.
          { $setOnInsert: { _id: new Types.ObjectId(), blockerId, blockedId, createdAt: now } },
          { upsert: true },
        )
        .exec();
      created = result.upsertedCount === 1;
    } catch (error) {
      // Two upserts of one pair at once: the loser meets the winner's key; the block exists.
      if (!isDuplicateKeyError(error)) throw error;
    }
    if (created) await this.cache.invalidate(blockerId.toHexString(), blockedId.toHexString());
    const block = await this.blocks.findOne({ blockerId, blockedId }).lean<BlockRecord>().exec();
    if (!block) throw new Error('block vanished right after it was written');
    return { block, created };
  }

  /** Index: unique `{ blockerId, blockedId }`. Only the blocker's own block goes. */
  async unblock(blockerId: Types.ObjectId, blockedId: Types.ObjectId): Promise<boolean> {
    const result = await this.blocks.deleteOne({ blockerId, blockedId }).exec();
    if (result.deletedCount !== 1) return false;
    await this.cache.invalidate(blockerId.toHexString(), blockedId.toHexString());
    return true;
  }

  /** Index: `{ blockerId, _id }`. Whom the user blocked, newest first. */
  page(blockerId: Types.ObjectId, skip: number, limit: number): Promise<BlockRecord[]> {
    return this.blocks
      .find({ blockerId })
      .sort({ _id: -1 })
      .hint({ blockerId: 1, _id: -1 })
      .skip(skip)
      .limit(limit)
      .lean<BlockRecord[]>()
      .exec();
  }

  /**
   * Both directions of the user's blocks, from the cache, else two reads: index
   * `{ blockerId, _id }` (whom they blocked) and `{ blockedId }` (who blocked them).
   */
  async of(userId: Types.ObjectId): Promise<UserBlocks> {
    const found = await this.cache.get(userId.toHexString(), async () => {
      const [blocked, blockedBy] = await Promise.all([
        this.blocks
          .find({ blockerId: userId }, { _id: 0, blockedId: 1 })
          .sort({ _id: -1 })
          .hint({ blockerId: 1, _id: -1 })
          .limit(MAX_BLOCKS_READ)
          .lean<Pick<Block, 'blockedId'>[]>()
          .exec(),
        this.blocks
          .find({ blockedId: userId }, { _id: 0, blockerId: 1 })
          .hint({ blockedId: 1 })
          .limit(MAX_BLOCKS_READ)
          .lean<Pick<Block, 'blockerId'>[]>()
          .exec(),
      ]);
      return {
        blocked: blocked.map((row) => row.blockedId.toHexString()),
        blockedBy: blockedBy.map((row) => row.blockerId.toHexString()),
      };
    });
    return found ?? { blocked: [], blockedBy: [] };
  }

  /**
   * Account deletion: every block the user made or received goes, in batches, and each pair's
   * cache entries are invalidated as an unblock does. Returns the users on the other side (the
   * caller invalidates their feed exclusions). Safe to repeat: a second run finds nothing.
   * Indexes: `{ blockerId, _id }` (whom they blocked) and `{ blockedId }` (who blocked them).
   */
  async removeAllOf(userId: Types.ObjectId, batch = 100): Promise<Types.ObjectId[]> {
    const others: Types.ObjectId[] = [];
    const sides = [
      { mine: 'blockerId', theirs: 'blockedId', hint: { blockerId: 1, _id: -1 } },
      { mine: 'blockedId', theirs: 'blockerId', hint: { blockedId: 1 } },
    ] as const;
    for (const side of sides) {
      for (;;) {
        const rows = await this.blocks
          .find({ [side.mine]: userId }, { [side.theirs]: 1 })
          .hint(side.hint)
          .limit(batch)
          .lean<BlockRecord[]>()
          .exec();
        if (rows.length === 0) break;
        await this.blocks.deleteMany({ _id: { $in: rows.map((row) => row._id) } }).exec();
        const ids = rows.map((row) => row[side.theirs]);
        await this.cache.invalidate(userId.toHexString(), ...ids.map((id) => id.toHexString()));
        others.push(...ids);
      }
    }
    return others;
  }

  /** Whether a block stands between the two, and whose (see {@link blockDirection}). */
  async between(userId: Types.ObjectId, otherId: Types.ObjectId): Promise<BlockDirection> {
    return blockDirection(await this.of(userId), otherId);
  }
}
