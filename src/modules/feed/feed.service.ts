import { Injectable } from '@nestjs/common';
import type { Types } from 'mongoose';
import { appError } from '../../common/errors/app-error';
import { ConnectionsRepository } from '../connections/connections.repository';
import { EntitlementsService } from '../membership/entitlements.service';
import { skillsKeyOf } from '../users/user.schema';
import { toSafeView } from '../users/user.views';
import { UsersRepository } from '../users/users.repository';
import type { FeedQueryDto } from './dto/feed-query.dto';
import { FeedCountCache } from './feed-count.cache';
import {
  afterIdOf,
  exclusionsAfter,
  feedFilterKey,
  feedStart,
  nextPosition,
  type FeedStart,
} from './feed-paging';
import { FeedPositionStore } from './feed-position.store';
import { FEED_ERRORS } from './feed.errors';

/**
 * Discovery feed: verified, onboarded users the caller has not interacted with (the 30-day
 * `ignored` rule is shared with the send route), in `_id` order so pages never repeat anyone.
 *
 * Paging: `after=` is a stateless cursor; `page=1` starts over and `page>1` continues after the
 * last profile this viewer was served under this filter ({@link FeedPositionStore}), so a client
 * that pages by number while its swipes shrink the set never skips anyone (contract §9.6 M6).
 * `totalUsers` comes from {@link FeedCountCache} (may lag by up to 30 s).
 *
 * The skills filter is a paid entitlement (`skillFilter`): a FREE caller (or an expired plan) who
 * names at least one skill gets 403 with an upgrade message; an empty `skills=` is no filter.
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly users: UsersRepository,
    private readonly connections: ConnectionsRepository,
    private readonly counts: FeedCountCache,
    private readonly positions: FeedPositionStore,
    private readonly entitlements: EntitlementsService,
  ) {}

  async feed(callerId: Types.ObjectId, query: FeedQueryDto, now = new Date()) {
    const skillsKey = query.skills?.length ? skillsKeyOf(query.skills) : undefined;
    if (skillsKey && !(await this.entitlements.forUser(callerId, now)).entitlements.skillFilter) {
      throw appError(FEED_ERRORS.skillFilterNotInPlan);
    }
    const filterKey = feedFilterKey(skillsKey);
    const needsPosition = !query.after && query.page > 1;
    const [excluded, position] = await Promise.all([
      this.connections.feedExclusions(callerId, now),
      needsPosition ? this.positions.get(callerId, filterKey) : null,
    ]);
    const start = feedStart(query, position);
    const afterId = afterIdOf(start);
    const allExcluded = [callerId, ...excluded];
    const [items, totalUsers] = await Promise.all([
      this.users.feedPage(
        // Only exclusions ahead of the walk's start can match it.
        { excludeIds: exclusionsAfter(allExcluded, afterId), skillsKey, afterId },
        start.kind === 'offset' ? start.skip : 0,
        query.limit,
      ),
      this.counts.count(callerId, skillsKey, () =>
        this.users.countFeed({ excludeIds: allExcluded, skillsKey }),
      ),
    ]);
    await this.remember(callerId, filterKey, start, position, items);
    const last = items.at(-1);
    return {
      items: items.map((user) => toSafeView(user, now)),
      pagination: {
        totalUsers,
        currentPage: query.page,
        totalPages: Math.ceil(totalUsers / query.limit),
        limit: query.limit,
        nextCursor: items.length === query.limit && last ? last._id.toHexString() : null,
      },
    };
  }

  /** Moves the viewer's position to the last profile served (see {@link nextPosition}). */
  private async remember(
    callerId: Types.ObjectId,
    filterKey: string,
    start: FeedStart,
    position: Types.ObjectId | null,
    items: { _id: Types.ObjectId }[],
  ): Promise<void> {
    const to = nextPosition(
      start,
      items.map((user) => user._id),
    );
    if (!to) return;
    if (start.kind === 'restart') await this.positions.restart(callerId, filterKey, to);
    else await this.positions.advance(callerId, filterKey, position, to);
  }
}
