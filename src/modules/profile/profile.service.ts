import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { AppError, appError } from '../../common/errors/app-error';
import { retryAfterFields } from '../../common/throttling/rate-limit-response';
import { profileRefusal } from '../blocks/block.rules';
import { BlocksRepository } from '../blocks/blocks.repository';
import { EntitlementsService } from '../membership/entitlements.service';
import { skillsKeyOf, type User, type UserRecord } from '../users/user.schema';
import { ProfileUserView, SelfUserView, toProfileView, toSelfView } from '../users/user.views';
import { USER_ERRORS } from '../users/users.errors';
import { UsersRepository } from '../users/users.repository';
import type { EditProfileDto } from './dto/edit-profile.dto';
import { boostWindow, nextBoostAt, toBoostView, type BoostView } from './profile-boost.rules';
import { PROFILE_ERRORS } from './profile.errors';

@Injectable()
export class ProfileService {
  constructor(
    private readonly users: UsersRepository,
    private readonly entitlements: EntitlementsService,
    private readonly blocks: BlocksRepository,
  ) {}

  /**
   * ELITE profile boost: first in everyone's feed for 30 minutes, once per 7 days (from the
   * previous boost's start). One conditional update decides, so concurrent requests start one
   * boost. FREE/PRO (or an expired ELITE): 403; too soon: 429 with `retryAfter` and `nextBoostAt`.
   */
  async boost(userId: Types.ObjectId, now = new Date()): Promise<BoostView> {
    const { entitlements } = await this.entitlements.forUser(userId, now);
    if (!entitlements.profileBoost) throw appError(PROFILE_ERRORS.boostNotInPlan);
    const { until, blockedAfter } = boostWindow(now);
    const boosted = await this.users.startBoost(userId, now, until, blockedAfter);
    if (boosted) return toBoostView(now, until);
    const current = await this.users.findById(userId);
    if (!current) throw appError(USER_ERRORS.notFound);
    const next = nextBoostAt(current.boostedAt) ?? now;
    const entry = PROFILE_ERRORS.boostCoolingDown;
    const seconds = Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000));
    throw new AppError(entry, entry.message(next.toISOString()), {
      ...retryAfterFields(seconds, now.getTime()),
      nextBoostAt: next.toISOString(),
    });
  }

  /**
   * The caller's own view from the record the access guard loaded for this request: the same
   * read {@link getOwn} would repeat (users.findById through the user cache).
   */
  ownView(caller: AuthenticatedUser): SelfUserView {
    return toSelfView(caller.user as UserRecord);
  }

  async getOwn(userId: Types.ObjectId): Promise<SelfUserView> {
    const user = await this.users.findById(userId);
    if (!user) throw appError(USER_ERRORS.notFound);
    return toSelfView(user);
  }

  /** Empty strings clear optional fields (`photoUrl: ""` is what the SPA sends for "no photo"). */
  async edit(userId: Types.ObjectId, dto: EditProfileDto): Promise<SelfUserView> {
    const set: Partial<User> = {};
    const unset: (keyof User)[] = [];
    for (const [key, value] of Object.entries(dto) as [keyof EditProfileDto, unknown][]) {
      if (value === undefined) continue;
      if (key === 'photoUrl' && value === '') unset.push('photoUrl');
      else if (key === 'lastName' && value === '') unset.push('lastName');
      else if (key === 'githubUsername' && value === '')
        Object.assign(set, { githubUsername: null });
      else Object.assign(set, { [key]: value });
    }
    if (dto.skills) set.skillsKey = skillsKeyOf(dto.skills);
    const updated = await this.users.updateProfile(userId, set, unset);
    if (!updated) throw appError(USER_ERRORS.notFound);
    return toSelfView(updated);
  }

  /**
   * A block between the two, either way, answers as an unknown user (404), as a request send
   * does: the profile reveals neither the account nor the block.
   */
  async getPublic(callerId: Types.ObjectId, userId: Types.ObjectId): Promise<ProfileUserView> {
    const [user, block] = await Promise.all([
      this.users.findById(userId),
      this.blocks.between(callerId, userId),
    ]);
    if (!user || profileRefusal(block)) throw appError(USER_ERRORS.notFound);
    return toProfileView(user);
  }

  async completeOnboarding(userId: Types.ObjectId): Promise<SelfUserView> {
    const user = await this.users.completeOnboarding(userId);
    if (!user) throw appError(USER_ERRORS.notFound);
    return toSelfView(user);
  }
}
