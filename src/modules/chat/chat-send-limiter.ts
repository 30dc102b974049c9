import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { AppConfig } from '../../config/app-config';
import { SEND_LIMIT_WINDOW_MS } from './chat-rules';

/**
 * Messages per user per fixed window (CHAT_SEND_LIMIT per SEND_LIMIT_WINDOW_MS), counted in Redis so every instance shares the
 * count. Fails open: a Redis error never stops a user from chatting.
 */
@Injectable()
export class ChatSendLimiter {
  private readonly logger = new Logger(ChatSendLimiter.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /** Counts one send; false when the user is over the limit for the current window. */
  async allow(userId: string): Promise<boolean> {
    const key = `chat:send:${userId}`;
    try {
      const results = await this.redis
        .multi()
        .set(key, '0', 'PX', SEND_LIMIT_WINDOW_MS, 'NX')
        .incr(key)
        .exec();
      const count = Number(results?.[1]?.[1] ?? 0);
      return count <= this.config.chat.sendLimit;
    } catch (error) {
      this.logger.warn({ msg: 'Chat send limit unavailable; allowing', userId, err: error });
      return true;
    }
  }
}
