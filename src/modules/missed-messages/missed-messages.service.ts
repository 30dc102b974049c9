import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Types } from 'mongoose';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { AppConfig } from '../../config/app-config';
import { BlocksRepository } from '../blocks/blocks.repository';
import { ChatsRepository } from '../chat/chats.repository';
import { MailProducer } from '../mail/mail.producer';
import { wantsEmails } from '../notifications/email-preferences';
import { PresenceStore } from '../presence/presence.store';
import { UsersRepository } from '../users/users.repository';
import type { MissedMessagesCheck } from './missed-messages.constants';
import { cooldownKeyOf, missedMessagesVerdict } from './missed-messages.rules';

/** What a check did, for the job's return value (dashboard) and the tests. */
export type MissedMessagesOutcome =
  'emailed' | 'read' | 'notYet' | 'online' | 'optedOut' | 'coolingDown' | 'gone';

/**
 * Worker side: emails a recipient whose messages in one chat stayed unread for the delay while
 * they had no live socket, unless they turned these emails off, and at most once per chat per
 * cooldown (a Redis claim shared by every worker).
 */
@Injectable()
export class MissedMessagesService {
  private readonly logger = new Logger(MissedMessagesService.name);

  constructor(
    private readonly chats: ChatsRepository,
    private readonly users: UsersRepository,
    private readonly presence: PresenceStore,
    private readonly blocks: BlocksRepository,
    private readonly mail: MailProducer,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async check(job: MissedMessagesCheck, now = new Date()): Promise<MissedMessagesOutcome> {
    const outcome = await this.decide(job, now);
    this.logger.log({ msg: 'Missed-message check', chatId: job.chatId, outcome });
    return outcome;
  }

  private async decide(job: MissedMessagesCheck, now: Date): Promise<MissedMessagesOutcome> {
    const { chatId, recipientId } = job;
    if (!Types.ObjectId.isValid(chatId) || !Types.ObjectId.isValid(recipientId)) return 'gone';
    const chat = await this.chats.findReadState(new Types.ObjectId(chatId));
    if (!chat) return 'gone';
    const verdict = missedMessagesVerdict(
      chat,
      recipientId,
      new Date(job.sentAt),
      this.config.missedMessages.delayMs,
      now,
    );
    if (verdict.outcome !== 'email') return verdict.outcome;
    const senderId = chat.participants.find((id) => id.toHexString() !== recipientId);
    if (!senderId) return 'gone';
    const recipientObjectId = new Types.ObjectId(recipientId);
    const [online, recipient, sender, block] = await Promise.all([
      this.presence.onlineAmong([recipientId], now.getTime()),
      this.users.findById(recipientObjectId),
      this.users.findById(senderId),
      this.blocks.between(recipientObjectId, senderId),
    ]);
    if (online.length > 0) return 'online';
    if (!recipient || !sender || !recipient.emailVerified || block !== 'none') return 'gone';
    if (!wantsEmails(recipient.notificationPrefs, 'missedMessages')) return 'optedOut';
    const claim = cooldownKeyOf(chatId, recipientId);
    const claimed = await this.redis.set(
      claim,
      now.toISOString(),
      'PX',
      this.config.missedMessages.cooldownMs,
      'NX',
    );
    if (claimed !== 'OK') return 'coolingDown';
    const queued = await this.mail.sendMissedMessages(
      {
        userId: recipientId,
        to: recipient.emailId,
        firstName: recipient.firstName,
        chatId,
        fromName: sender.firstName,
        unread: verdict.unread,
      },
      now,
    );
    if (!queued) {
      // Give the claim back so this check's retry can send it.
      await this.redis.del(claim);
      throw new Error('missed-message email not queued');
    }
    return 'emailed';
  }
}
