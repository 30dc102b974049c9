import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../../common/redis/redis.module';

/** How long a claim is kept; a retry of an older message never emits (it may have been emitted). */
export const EMIT_CLAIM_TTL_MS = 5 * 60_000;

/**
 * Exactly one `messageReceived` per stored message, even when the instance that stored it dies
 * before emitting. Whoever emits claims the message first (`SET NX`): the send that stored it,
 * or, when that instance died in between, the client's retry of the same `clientMessageId` on
 * another instance (a retry otherwise emits nothing). Fails open: without Redis the original
 * send emits and a retry does not.
 */
@Injectable()
export class ChatEmitClaims {
  private readonly logger = new Logger(ChatEmitClaims.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** The send that stored the message: true unless a retry claimed (and emitted) it first. */
  async claimStored(messageId: string): Promise<boolean> {
    return this.claim(messageId, true);
  }

  /**
   * A retry of a stored message: true only if nobody claimed it yet (its instance died between
   * storing and emitting) and it is recent enough for a claim to still exist.
   */
  async claimRetry(messageId: string, createdAt: string, now = Date.now()): Promise<boolean> {
    if (now - Date.parse(createdAt) > EMIT_CLAIM_TTL_MS / 2) return false;
    return this.claim(messageId, false);
  }

  private async claim(messageId: string, onError: boolean): Promise<boolean> {
    try {
      const set = await this.redis.set(
        `chat:emit:${messageId}`,
        '1',
        'PX',
        EMIT_CLAIM_TTL_MS,
        'NX',
      );
      return set === 'OK';
    } catch (error) {
      this.logger.warn({ msg: 'Chat emit claim unavailable', messageId, err: error });
      return onError;
    }
  }
}
