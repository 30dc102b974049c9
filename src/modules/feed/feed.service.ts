import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { ConnectionsRepository } from '../connections/connections.repository';
import { skillsKeyOf } from '../users/user.schema';
import { toSafeView } from '../users/user.views';
import { UsersRepository } from '../users/users.repository';
import type { FeedQueryDto } from './dto/feed-query.dto';
import { FeedCountCache } from './feed-count.cache';

/**
 * Discovery feed: verified, onboarded users the caller has not interacted with (the 30-day
 * `ignored` rule is shared with the send route), in `_id` order so pages never repeat anyone.
 * `totalUsers` comes from {@link FeedCountCache} (may lag by up to 30 s).
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly users: UsersRepository,
    private readonly connections: ConnectionsRepository,
    private readonly counts: FeedCountCache,
  ) {}

  async feed(callerId: Types.ObjectId, query: FeedQueryDto, now = new Date()) {
    const excluded = await this.connections.feedExclusions(callerId, now);
    const filter = {
      excludeIds: [callerId, ...excluded],
      skillsKey: query.skills?.length ? skillsKeyOf(query.skills) : undefined,
    };
    const afterId = query.after ? new Types.ObjectId(query.after) : undefined;
    const skip = afterId ? 0 : (query.page - 1) * query.limit;
    const [items, totalUsers] = await Promise.all([
      this.users.feedPage({ ...filter, afterId }, skip, query.limit),
      this.counts.count(callerId, filter.skillsKey, () => this.users.countFeed(filter)),
    ]);
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
}
