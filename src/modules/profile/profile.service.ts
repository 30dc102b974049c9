import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { appError } from '../../common/errors/app-error';
import { skillsKeyOf, type User } from '../users/user.schema';
import { ProfileUserView, SelfUserView, toProfileView, toSelfView } from '../users/user.views';
import { USER_ERRORS } from '../users/users.errors';
import { UsersRepository } from '../users/users.repository';
import type { EditProfileDto } from './dto/edit-profile.dto';

@Injectable()
export class ProfileService {
  constructor(private readonly users: UsersRepository) {}

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

  async getPublic(userId: Types.ObjectId): Promise<ProfileUserView> {
    const user = await this.users.findProfileById(userId);
    if (!user) throw appError(USER_ERRORS.notFound);
    return toProfileView(user);
  }

  async completeOnboarding(userId: Types.ObjectId): Promise<SelfUserView> {
    const user = await this.users.completeOnboarding(userId);
    if (!user) throw appError(USER_ERRORS.notFound);
    return toSelfView(user);
  }
}
