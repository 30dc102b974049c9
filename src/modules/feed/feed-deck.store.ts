import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Types } from 'mongoose';
import { readBatcherOf } from '../../common/redis/read-batcher';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { ConnectionsRepository } from '../connections/connections.repository';
import { decodeFeedDeck, encodeFeedDeck, type FeedDeck } from './feed-deck';

/** How long a deck outlives the page that built it. */
export const FEED_DECK_TTL_MS = 5 * 60_000;
/** Longer than a deck lives, so a deck never sees its viewer's generation go back to none. */
const GENERATION_TTL_MS = 2 * FEED_DECK_TTL_MS;

const deckKey = (viewerId: Types.ObjectId, filterKey: string) =>
  `feed-deck:${viewerId.toHexString()}:${filterKey}`;
const generationKey = (viewerId: Types.ObjectId) => `feed-deck-gen:${viewerId.toHexString()}`;

/** Decoded decks kept in process (a viewer's pages re-read the same deck until it is rebuilt). */
const MAX_DECODED_DECKS = 1000;

/** A deck as read, with the viewer's generation to store a rebuilt one under. */
export interface StoredDeck {
  deck: FeedDeck | null;
  generation: string;
}

/**
 * Feed decks (see feed-deck.ts) per viewer and skills filter: `feed-deck:<id>:<filter>` holds the
 * deck and the generation it was built under; `feed-deck-gen:<id>` is bumped whenever someone
 * leaves the viewer's exclusions, which retires every deck of theirs, including one being built
 * from the exclusions read before that write. Redis errors never fail a page: no deck is read as
 * none, and the page reads the database.
 */
@Injectable()
export class FeedDeckStore implements OnModuleInit {
  private readonly logger = new Logger(FeedDeckStore.name);
  /** By deck key: the encoded deck last read and what it decoded to (decoding is a pure function). */
  private readonly decoded = new Map<string, { encoded: string; deck: FeedDeck | null }>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly connections: ConnectionsRepository,
  ) {}

  onModuleInit(): void {
    this.connections.onExclusionsRemoved((a, b) => this.retire(a, b));
  }

  async get(viewerId: Types.ObjectId, filterKey: string): Promise<StoredDeck | null> {
    try {
      const key = deckKey(viewerId, filterKey);
      const [raw, generation] = await readBatcherOf(this.redis).getManyStrings([
        key,
        generationKey(viewerId),
      ]);
      const current = generation ?? '0';
      const separator = raw ? raw.indexOf(':') : -1;
      const deck =
        raw && raw.slice(0, separator) === current
          ? this.decode(key, raw.slice(separator + 1))
          : null;
      return { deck, generation: current };
    } catch (error) {
      this.logger.warn({ msg: 'Feed deck read failed; reading the database', err: error });
      return null;
    }
  }

  /**
   * The deck this process last read for the viewer and filter, whatever has happened since (a
   * guess at what the next read returns; `null`: none kept).
   */
  lastRead(viewerId: Types.ObjectId, filterKey: string): FeedDeck | null {
    return this.decoded.get(deckKey(viewerId, filterKey))?.deck ?? null;
  }

  private decode(key: string, encoded: string): FeedDeck | null {
    const known = this.decoded.get(key);
    if (known?.encoded === encoded) return known.deck;
    const deck = decodeFeedDeck(encoded);
    this.decoded.delete(key);
    // Insertion order is recency of decoding: the oldest goes first.
    if (this.decoded.size >= MAX_DECODED_DECKS) {
      this.decoded.delete(this.decoded.keys().next().value as string);
    }
    this.decoded.set(key, { encoded, deck });
    return deck;
  }

  async put(
    viewerId: Types.ObjectId,
    filterKey: string,
    generation: string,
    deck: FeedDeck,
  ): Promise<void> {
    try {
      await readBatcherOf(this.redis).set(
        deckKey(viewerId, filterKey),
        `${generation}:${encodeFeedDeck(deck)}`,
        FEED_DECK_TTL_MS,
      );
    } catch (error) {
      this.logger.warn({ msg: 'Feed deck write failed', err: error });
    }
  }

  /** Every deck of these viewers is stale (someone may have to reappear in their walks). */
  async retire(...viewerIds: Types.ObjectId[]): Promise<void> {
    try {
      const pipeline = this.redis.pipeline();
      for (const id of viewerIds) {
        pipeline.incr(generationKey(id));
        pipeline.pexpire(generationKey(id), GENERATION_TTL_MS);
      }
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([error]) => error)?.[0];
      if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    } catch (error) {
      // Decks still expire: the walk then sees the change within FEED_DECK_TTL_MS.
      this.logger.error({ msg: 'Feed deck retirement failed', err: error });
    }
  }
}
