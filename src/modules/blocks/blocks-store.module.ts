import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Block, BlockSchema } from './block.schema';
import { BlocksCache } from './blocks.cache';
import { BlocksRepository } from './blocks.repository';

/**
 * The `blocks` collection: read by connections (feed exclusions), requests, chat and presence,
 * written by the safety routes. Imports no feature.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: Block.name, schema: BlockSchema }])],
  providers: [BlocksRepository, BlocksCache],
  exports: [BlocksRepository],
})
export class BlocksStoreModule {}
