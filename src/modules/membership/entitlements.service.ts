import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { appError } from '../../common/errors/app-error';
import { USER_ERRORS } from '../users/users.errors';
import { UsersRepository } from '../users/users.repository';
import { effectiveMembership, type Membership } from './membership-rules';
import { type Entitlements, planOf } from '../plans/plans';

/** A user's plan in force and what it entitles them to (an expired plan reads as FREE). */
export interface UserEntitlements {
  membership: Membership;
  entitlements: Entitlements;
}

/** Plan → entitlements for a user, from the one plan table (plans.ts). Exported for enforcement. */
@Injectable()
export class EntitlementsService {
  constructor(private readonly users: UsersRepository) {}

  /** Pure: the entitlements of a membership as stored, at `now`. */
  of(stored: Partial<Membership>, now = new Date()): UserEntitlements {
    const membership = effectiveMembership(stored, now);
    return { membership, entitlements: planOf(membership.membershipType).entitlements };
  }

  /** The caller's entitlements (cached user read). */
  async forUser(userId: Types.ObjectId | string, now = new Date()): Promise<UserEntitlements> {
    const user = await this.users.findById(userId);
    if (!user) throw appError(USER_ERRORS.notFound);
    return this.of(user, now);
  }
}
