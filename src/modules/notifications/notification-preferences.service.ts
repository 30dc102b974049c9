import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { appError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { USER_ERRORS } from '../users/users.errors';
import { UsersRepository } from '../users/users.repository';
import type { UpdateNotificationPreferencesDto } from './dto/notification-preferences.dto';
import {
  EMAIL_LISTS,
  type EmailList,
  type NotificationPreferences,
  preferencesOf,
  type StoredNotificationPreferences,
} from './email-preferences';
import { NOTIFICATION_ERRORS } from './notifications.errors';
import { isValidUnsubscribeSignature, unsubscribeKey } from './unsubscribe-link';

/** Which optional emails a user gets: `/profile/notifications` and one-click unsubscribe. */
@Injectable()
export class NotificationPreferencesService {
  private readonly logger = new Logger(NotificationPreferencesService.name);
  private readonly linkKey: Buffer;

  constructor(
    private readonly users: UsersRepository,
    config: AppConfig,
  ) {
    this.linkKey = unsubscribeKey(config.auth.accessSecret);
  }

  /** From the record the access guard loaded for this request. */
  view(stored: StoredNotificationPreferences): NotificationPreferences {
    return preferencesOf(stored);
  }

  async update(
    userId: Types.ObjectId,
    dto: UpdateNotificationPreferencesDto,
  ): Promise<NotificationPreferences> {
    const change: Partial<NotificationPreferences> = {};
    for (const list of EMAIL_LISTS) {
      if (typeof dto[list] === 'boolean') change[list] = dto[list];
    }
    if (Object.keys(change).length === 0) throw appError(NOTIFICATION_ERRORS.preferencesEmpty);
    const stored = await this.users.setNotificationPreferences(userId, change);
    if (stored === null) throw appError(USER_ERRORS.notFound);
    this.logger.log({
      msg: 'Notification preferences changed',
      userId: userId.toHexString(),
      change,
    });
    return preferencesOf(stored);
  }

  /**
   * Turns one list off for the user a signed link names. A valid link for an account that is
   * gone answers like an invalid one; repeating a valid one changes nothing more.
   */
  async unsubscribe(userId: string, list: EmailList, signature: string): Promise<void> {
    if (!isValidUnsubscribeSignature(this.linkKey, userId, list, signature)) {
      throw appError(NOTIFICATION_ERRORS.unsubscribeLinkInvalid);
    }
    const stored = await this.users.setNotificationPreferences(new Types.ObjectId(userId), {
      [list]: false,
    });
    if (stored === null) throw appError(NOTIFICATION_ERRORS.unsubscribeLinkInvalid);
    this.logger.log({ msg: 'Unsubscribed by link', userId, list });
  }
}
