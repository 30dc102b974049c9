import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Types } from 'mongoose';
import type { Prefetched, RoutePrefetcher } from '../../common/http/route-prefetch';
import { appError } from '../../common/errors/app-error';
import { ConnectionsRepository } from '../connections/connections.repository';
import type { PackedIds } from '../connections/packed-ids';
import { EntitlementsService } from '../membership/entitlements.service';
import { occupiedFeedTiers, type TierMembers } from '../users/feed-tiers';
import { skillsKeyOf, type UserRecord } from '../users/user.schema';
import { toSafeView, type UserViewSource } from '../users/user.views';
import { type FeedFilter, UsersRepository } from '../users/users.repository';
import { type FeedQueryDto, feedReadsOfRawQuery, type RawFeedReads } from './dto/feed-query.dto';
import { FeedCountCache, type StoredCounts } from './feed-count.cache';
import {
  deckEntriesAfter,
  deckEntriesAhead,
  deckEntry,
  FEED_DECK_SIZE,
  restartableWalk,
  stillACandidate,
  type FeedDeck,
} from './feed-deck';
import { FeedDeckStore, type StoredDeck } from './feed-deck.store';
import {
  decodeFeedPosition,
  encodeFeedPosition,
  exclusionsAfter,
  feedFilterKey,
  feedStart,
  type HexIdFilter,
  keepUnexcluded,
  nearestExclusions,
  LAST_FEED_TIER,
  nextPosition,
  sameFeedPosition,
  type FeedPosition,
  type FeedStart,
  type FeedTier,
  walkStart,
} from './feed-paging';
import { FeedPositionStore } from './feed-position.store';
import { FEED_ERRORS } from './feed.errors';

type WalkFilter = { excludeIds: Types.ObjectId[]; skillsKey?: string[] };

/** What a page reads before anything else, for one skills filter and kind of page. */
export interface FeedReads {
  viewerId: string;
  filterKey: string;
  needsPosition: boolean;
  result: Promise<
    [
      allowed: boolean,
      excluded: PackedIds,
      position: FeedPosition | null,
      tierMembers: TierMembers | null,
      stored: StoredDeck | null,
    ]
  >;
  /** The stored counts of `totalUsers`. */
  counts: StoredCounts;
  /** The users of the profiles this page will most likely serve, by hex id (see `usersAhead`). */
  usersAhead: Promise<Map<string, UserRecord> | null> | null;
}

/** Profiles read early beyond the page's size, for a few the viewer has swiped since. */
const SPARE_PROFILES_AHEAD = 2;
type Served = { user: UserViewSource; position: FeedPosition };

/** The viewer and whom they excluded: hex ids to filter in process, ObjectIds only for a query. */
class Exclusions {
  readonly hex: HexIdFilter;
  private objectIds?: Types.ObjectId[];

  constructor(
    private readonly viewerId: Types.ObjectId,
    private readonly others: PackedIds,
  ) {
    const viewerHex = viewerId.toHexString();
    this.hex = { has: (hexId) => hexId === viewerHex || others.has(hexId) };
  }

  ids(): Types.ObjectId[] {
    this.objectIds ??= [this.viewerId, ...this.others.objectIds()];
    return this.objectIds;
  }
}

/** A walk from the beginning being read here for one viewer and filter (see {@link FeedService.feed}). */
interface RestartInFlight {
  /** The deck the walk was stored as, with the generation it was read under; null: none. */
  built: Promise<StoredDeck | null>;
}

/**
 * The deck of a walk from the beginning another page of the same viewer and filter is reading
 * here, once stored, in place of `stored` (what this page read from Redis): ten concurrent
 * `page=1` requests after a deck grew too old to reuse would otherwise each walk the database.
 * Waiting for it is reusing a deck a few milliseconds old, as a later request would; a deck of
 * another generation than the one this page read (a retirement came between) is not used.
 */
async function deckOfRestart(inFlight: RestartInFlight, stored: StoredDeck): Promise<StoredDeck> {
  const built = await inFlight.built;
  return built?.generation === stored.generation ? built : stored;
}

/**
 * Discovery feed: verified, onboarded users the caller has not interacted with (the 30-day
 * `ignored` rule is shared with the send route), walked tier by tier (boosted, ELITE, everyone;
 * see feed-paging.ts), each tier in `_id` order, so pages never repeat anyone.
 *
 * Paging: `after=` is a stateless cursor (`pagination.nextCursor`); `page=1` starts a new walk
 * and `page>1` continues after the last profile this viewer was served under this filter
 * ({@link FeedPositionStore}), so a client that pages by number while its swipes shrink the set
 * never skips anyone (contract §9.6 M6). `totalUsers` comes from {@link FeedCountCache} (30 s to 5 min
 * old or more, refreshed in the background).
 *
 * The skills filter is a paid entitlement (`skillFilter`): a FREE caller (or an expired plan) who
 * names at least one skill gets 403 with an upgrade message; an empty `skills=` is no filter.
 */
@Injectable()
export class FeedService implements RoutePrefetcher {
  /** By viewer and filter: a `page=1` with no deck to reuse waits for one being built here. */
  private readonly restarts = new Map<string, RestartInFlight>();

  constructor(
    private readonly users: UsersRepository,
    private readonly connections: ConnectionsRepository,
    private readonly counts: FeedCountCache,
    private readonly positions: FeedPositionStore,
    private readonly entitlements: EntitlementsService,
    private readonly decks: FeedDeckStore,
  ) {}

  /**
   * The access guard starts a page's first reads with the session and user reads (one Redis round
   * trip for both), from the raw query; {@link feed} uses them if the validated query agrees.
   */
  prefetch(userId: string, req: Request): FeedReads {
    const { skillsKey, needsPosition, start } = feedReadsOfRawQuery(req.query);
    return this.startReads(new Types.ObjectId(userId), skillsKey, needsPosition, new Date(), start);
  }

  async feed(
    callerId: Types.ObjectId,
    query: FeedQueryDto,
    now = new Date(),
    prefetched?: Prefetched,
  ) {
    const skillsKey = query.skills?.length ? skillsKeyOf(query.skills) : undefined;
    const filterKey = feedFilterKey(skillsKey);
    const needsPosition = !query.after && query.page > 1;
    const early = prefetched?.value as FeedReads | undefined;
    const reads =
      early?.viewerId === callerId.toHexString() &&
      early.filterKey === filterKey &&
      early.needsPosition === needsPosition
        ? early
        : this.startReads(callerId, skillsKey, needsPosition, now);
    const [allowed, excluded, position, tierMembers, readDeck] = await reads.result;
    if (!allowed) throw appError(FEED_ERRORS.skillFilterNotInPlan);
    const tierStamp = tierMembers ? tierMembers.since.getTime() : null;
    let start = feedStart(query, position, now);
    let stored = readDeck;
    const restartKey = `${callerId.toHexString()}:${filterKey}`;
    let reuseAt = now;
    const inFlight = start.kind === 'restart' ? this.restarts.get(restartKey) : undefined;
    if (inFlight && stored && !restartableWalk(stored.deck, tierStamp, now)) {
      stored = await deckOfRestart(inFlight, stored);
      // A page that began before the walk it waited for is judged as of that walk's start.
      const builtAt = stored.deck?.builtAt;
      if (builtAt && builtAt > now) reuseAt = builtAt;
    }
    const reusedWalk =
      start.kind === 'restart' && restartableWalk(stored?.deck ?? null, tierStamp, reuseAt);
    if (reusedWalk) start = { kind: 'restart', from: walkStart(reusedWalk) };
    // A new walk from the beginning: pages of this viewer arriving meanwhile wait for its deck.
    const restart =
      start.kind === 'restart' && !reusedWalk ? this.startRestart(restartKey) : undefined;
    const exclusions = new Exclusions(callerId, excluded);
    // A page served from the deck moves the position in the same Redis round trip as its user
    // read (`rememberEarly`); the rare page that then falls back to the database moves it on
    // from there, so the position still ends on the last profile actually served.
    let remembered: FeedPosition | undefined;
    const rememberEarly = (lastInDeck: FeedPosition) => {
      remembered = nextPosition(start, lastInDeck);
      return remembered
        ? this.remember(callerId, filterKey, start, position, remembered)
        : Promise.resolve();
    };
    let served: Served[];
    let totalUsers: number;
    try {
      [served, totalUsers] = await Promise.all([
        this.page(callerId, filterKey, start, { exclusions, skillsKey }, query.limit, {
          tierMembers,
          tierStamp,
          stored,
          now,
          rememberEarly,
          onDeckStored: restart?.stored,
          usersAhead: reads.usersAhead,
        }),
        this.totalUsers(callerId, skillsKey, exclusions, reads.counts),
      ]);
    } finally {
      restart?.end();
    }
    const lastServed = served.at(-1)?.position;
    const to = nextPosition(start, lastServed);
    if (!remembered) await this.remember(callerId, filterKey, start, position, lastServed);
    else if (to && !sameFeedPosition(to, remembered)) {
      await this.positions.advance(callerId, filterKey, remembered, to);
    }
    return {
      items: served.map(({ user }) => toSafeView(user, now)),
      pagination: {
        totalUsers,
        currentPage: query.page,
        totalPages: Math.ceil(totalUsers / query.limit),
        limit: query.limit,
        nextCursor:
          served.length === query.limit && lastServed ? encodeFeedPosition(lastServed) : null,
      },
    };
  }

  /**
   * Registers the walk from the beginning this page starts (synchronously after the check for one
   * in flight, so concurrent pages find it); `stored` hands its deck to waiting pages, `end`
   * releases them.
   */
  private startRestart(key: string): { stored: (deck: StoredDeck) => void; end: () => void } {
    let settle: (deck: StoredDeck | null) => void = () => undefined;
    const inFlight: RestartInFlight = {
      built: new Promise<StoredDeck | null>((resolve) => (settle = resolve)),
    };
    const leading = !this.restarts.has(key);
    if (leading) this.restarts.set(key, inFlight);
    return {
      stored: (deck) => settle(deck),
      end: () => {
        settle(null);
        if (leading && this.restarts.get(key) === inFlight) this.restarts.delete(key);
      },
    };
  }

  /**
   * Everyone the filter admits less the viewer's exclusions it admits: the first count is shared by
   * every viewer, the second is a lookup of the excluded ids (at 100,000 users, 62 ms and 3 ms on
   * DocumentDB, against 180 ms for one count of the candidates not excluded).
   */
  private totalUsers(
    viewerId: Types.ObjectId,
    skillsKey: string[] | undefined,
    exclusions: Exclusions,
    stored: StoredCounts,
  ): Promise<number> {
    const loads = {
      candidates: () => this.users.countFeed({ excludeIds: [], skillsKey }),
      excluded: () => this.users.countFeedCandidatesAmong(exclusions.ids(), skillsKey),
    };
    return this.counts.total(viewerId, skillsKey, loads, undefined, stored);
  }

  /**
   * The plan is checked alongside the page's other reads (one Redis round trip, not two); a
   * refused caller is answered before anything is queried or written. With a `start` known from
   * the query, the users of the page it will most likely serve are read in that round trip too.
   */
  private startReads(
    viewerId: Types.ObjectId,
    skillsKey: readonly string[] | undefined,
    needsPosition: boolean,
    now: Date,
    start?: RawFeedReads['start'],
  ): FeedReads {
    const filterKey = feedFilterKey(skillsKey);
    const result = Promise.all([
      skillsKey
        ? this.entitlements.forUser(viewerId, now).then((plan) => plan.entitlements.skillFilter)
        : true,
      this.connections.feedExclusions(viewerId, now),
      needsPosition ? this.positions.get(viewerId, filterKey) : null,
      this.users.feedTierMembers(now),
      this.decks.get(viewerId, filterKey),
    ]);
    const counts = this.counts.read(viewerId, skillsKey);
    // A prefetch the handler does not use (or a refused caller) must not fail the process.
    result.catch(() => undefined);
    counts.catch(() => undefined);
    const usersAhead = start ? this.usersAhead(viewerId, filterKey, start, now) : null;
    return {
      viewerId: viewerId.toHexString(),
      filterKey,
      needsPosition,
      result,
      counts,
      usersAhead,
    };
  }

  /**
   * The users of the profiles a page from `start` will most likely serve: those after it in the
   * deck this process last read for the viewer and filter. Only a guess, to read with the page's
   * first reads: the page uses them if they are exactly the users it serves (see `fromDeck`).
   */
  private usersAhead(
    viewerId: Types.ObjectId,
    filterKey: string,
    start: NonNullable<RawFeedReads['start']>,
    now: Date,
  ): Promise<Map<string, UserRecord> | null> | null {
    const deck = this.decks.lastRead(viewerId, filterKey);
    if (!deck) return null;
    const from = start.after ? decodeFeedPosition(start.after, now) : walkStart(deck.asOf);
    if (!from) return null;
    const ahead = deckEntriesAhead(deck, from, start.limit + SPARE_PROFILES_AHEAD);
    if (ahead.length === 0) return null;
    // A failed guess is no answer: the page reads its users itself.
    return this.users.usersByHexIds(ahead.map((entry) => entry.hex)).catch(() => null);
  }

  /**
   * One page from `start`: from the viewer's deck when it holds a full page there, else from the
   * database, reading a whole deck ({@link FEED_DECK_SIZE}) and keeping what this page does not
   * serve for the next ones. An offset (no stored position) always reads the database.
   */
  private async page(
    callerId: Types.ObjectId,
    filterKey: string,
    start: FeedStart,
    { exclusions, skillsKey }: { exclusions: Exclusions; skillsKey?: string[] },
    limit: number,
    {
      tierMembers,
      tierStamp,
      stored,
      now,
      rememberEarly,
      onDeckStored,
      usersAhead,
    }: {
      tierMembers: TierMembers | null;
      tierStamp: number | null;
      stored: StoredDeck | null;
      now: Date;
      rememberEarly: (lastInDeck: FeedPosition) => Promise<void>;
      onDeckStored?: (stored: StoredDeck) => void;
      usersAhead: FeedReads['usersAhead'];
    },
  ): Promise<Served[]> {
    const excluded = exclusions.hex;
    if (stored?.deck && start.kind !== 'offset') {
      const fromDeck = await this.fromDeck(
        stored.deck,
        start.from,
        tierStamp,
        excluded,
        limit,
        skillsKey,
        rememberEarly,
        usersAhead,
      );
      if (fromDeck) return fromDeck;
    }
    const filter = { excludeIds: exclusions.ids(), skillsKey };
    const occupied = occupiedFeedTiers(tierMembers, start.from.asOf);
    if (!stored || tierStamp === null || start.kind === 'offset') {
      return this.walk(start, filter, excluded, limit, occupied);
    }
    const read = await this.walk(
      start,
      filter,
      excluded,
      Math.max(limit, FEED_DECK_SIZE),
      occupied,
    );
    if (read.length > limit) {
      const deck: FeedDeck = {
        asOf: start.from.asOf,
        from: { tier: start.from.tier, afterId: start.from.afterId },
        entries: read.map(({ user, position }) => deckEntry(position.tier, user._id)),
        tierStamp,
        builtAt: now,
      };
      await this.decks.put(callerId, filterKey, stored.generation, deck);
      onDeckStored?.({ deck, generation: stored.generation });
    }
    return read.slice(0, limit);
  }

  /**
   * A full page of the deck after `from`, its users from the user cache (read with the page's
   * first reads when `usersAhead` guessed them all); `null`: read the database.
   */
  private async fromDeck(
    deck: FeedDeck,
    from: FeedPosition,
    tierStamp: number | null,
    excluded: HexIdFilter,
    limit: number,
    skillsKey: string[] | undefined,
    rememberEarly: (lastInDeck: FeedPosition) => Promise<void>,
    usersAhead: FeedReads['usersAhead'],
  ): Promise<Served[] | null> {
    const entries = deckEntriesAfter(deck, from, tierStamp, excluded, limit);
    if (!entries) return null;
    const last = entries[entries.length - 1];
    const lastInDeck = { tier: last.tier, afterId: last.id, asOf: deck.asOf };
    const guessed = usersAhead ? await usersAhead : null;
    let users: UserRecord[];
    if (guessed && entries.every((entry) => guessed.has(entry.hex))) {
      users = entries.map((entry) => guessed.get(entry.hex)!);
      // Not awaited, so the page needs no second round trip: the batcher sends the write with the
      // next turn's Redis commands, ahead of any later read of this instance. Its errors are logged.
      void rememberEarly(lastInDeck);
    } else {
      [users] = await Promise.all([
        this.users.findManyByHexIds(entries.map((entry) => entry.hex)),
        rememberEarly(lastInDeck),
      ]);
    }
    if (users.length !== entries.length) return null;
    if (!users.every((user) => stillACandidate(user, skillsKey))) return null;
    return entries.map((entry, i) => ({
      user: users[i],
      position: { tier: entry.tier, afterId: entry.id, asOf: deck.asOf },
    }));
  }

  /**
   * One page of the walk from `start`: the rest of the start's tier, then the next tiers from
   * their beginning, until `limit` profiles. An offset skips whole tiers by their count (tiers 0
   * and 1 only: the last tier takes the remaining offset as `skip`). Tiers not `occupied` hold
   * no one and are not queried.
   */
  private async walk(
    start: FeedStart,
    filter: WalkFilter,
    excluded: HexIdFilter,
    limit: number,
    occupied: ReadonlySet<FeedTier>,
  ): Promise<Served[]> {
    const { asOf } = start.from;
    const served: Served[] = [];
    let skip = start.kind === 'offset' ? start.skip : 0;
    for (let t: number = start.from.tier; t <= LAST_FEED_TIER && served.length < limit; t++) {
      const tier = t as FeedTier;
      if (!occupied.has(tier)) continue;
      const afterId = tier === start.from.tier ? start.from.afterId : null;
      const tierFilter = {
        // Only exclusions ahead of the walk's start can match it.
        excludeIds: exclusionsAfter(filter.excludeIds, afterId),
        skillsKey: filter.skillsKey,
        afterId,
        tier: { tier, asOf },
      };
      if (skip > 0 && tier < LAST_FEED_TIER) {
        const inTier = await this.users.countFeed(tierFilter);
        if (skip >= inTier) {
          skip -= inTier;
          continue;
        }
      }
      const users =
        skip > 0
          ? await this.users.feedPage(tierFilter, skip, limit - served.length)
          : await this.tierPage(tierFilter, excluded, limit - served.length);
      skip = 0;
      for (const user of users) served.push({ user, position: { tier, afterId: user._id, asOf } });
    }
    return served;
  }

  /**
   * Up to `want` profiles of one tier after `filter.afterId`: one query with the nearest
   * exclusions ahead (see {@link nearestExclusions}); only a viewer with more exclusions than one
   * query carries can need another.
   */
  private async tierPage(
    filter: FeedFilter,
    excluded: HexIdFilter,
    want: number,
  ): Promise<UserViewSource[]> {
    const page: UserViewSource[] = [];
    let afterId = filter.afterId ?? null;
    for (;;) {
      const asked = want - page.length;
      const batch = await this.users.feedPage(
        { ...filter, excludeIds: nearestExclusions(filter.excludeIds, afterId), afterId },
        0,
        asked,
      );
      const { kept, more } = keepUnexcluded(batch, asked, excluded, asked);
      page.push(...kept);
      if (!more) return page;
      afterId = batch[batch.length - 1]._id;
    }
  }

  /** Moves the viewer's position to the last profile served (see {@link nextPosition}). */
  private remember(
    callerId: Types.ObjectId,
    filterKey: string,
    start: FeedStart,
    position: FeedPosition | null,
    lastServed: FeedPosition | undefined,
  ): Promise<void> {
    const to = nextPosition(start, lastServed);
    if (!to) return Promise.resolve();
    return start.kind === 'restart'
      ? this.positions.restart(callerId, filterKey, to)
      : this.positions.advance(callerId, filterKey, position, to);
  }
}
