import { Inject, Injectable, Logger } from '@nestjs/common';
import { Command, type Redis } from 'ioredis';
import { LuaScript } from '../../common/redis/lua-script';
import { REDIS_CLIENT } from '../../common/redis/redis.module';

/** How long a claim is kept; a retry of an older message never emits (it may have been emitted). */
export const EMIT_CLAIM_TTL_MS = 5 * 60_000;

/**
 * A claim still `claimed` (never confirmed `emitted`) this long after it was taken means its
 * instance died between the claim and the emit: a retry may then emit.
 */
export const UNCONFIRMED_CLAIM_MS = 2000;

// A retry: emit if nobody claimed the message, or if its claim was never confirmed and is stale.
// Returns 1 (emit), 0 (already emitted), or -ms to wait before the claim turns stale.
const CLAIM_RETRY = `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], 'emitted', 'PX', ARGV[3]) return 1 end
if v == 'emitted' then return 0 end
local age = tonumber(ARGV[1]) - (tonumber(string.sub(v, 9)) or 0)
if age >= tonumber(ARGV[2]) then redis.call('SET', KEYS[1], 'emitted', 'PX', ARGV[3]) return 1 end
return -(tonumber(ARGV[2]) - age)`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exactly one `messageReceived` per stored message, even when the instance that stored it dies
 * before emitting. Two phases, keyed `chat:emit:<messageId>`:
 * - the send that stored the message takes the claim (`claimed:<ms>`, `SET NX`), emits, and in
 *   the same synchronous step (no await in between; the confirmation is written to the socket at
 *   once, so only a kill between two socket writes separates them) confirms it (`emitted`);
 * - a client's retry of the same `clientMessageId` (on any instance) emits only if no claim exists,
 *   or if the claim stayed unconfirmed for {@link UNCONFIRMED_CLAIM_MS} (its instance died between
 *   claim and emit; the retry waits out the remainder, at most that long).
 * Fails open: without Redis the original send emits and a retry does not.
 */
@Injectable()
export class ChatEmitClaims {
  private readonly logger = new Logger(ChatEmitClaims.name);

  private readonly claimRetryScript: LuaScript;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {
    this.claimRetryScript = new LuaScript(redis, 'devlinkChatClaimRetry', 1, CLAIM_RETRY);
  }

  /** The send that stored the message: true unless a retry claimed (and emitted) it first. */
  async claimStored(messageId: string, now = Date.now()): Promise<boolean> {
    try {
      const set = await this.redis.set(
        keyOf(messageId),
        `claimed:${now}`,
        'PX',
        EMIT_CLAIM_TTL_MS,
        'NX',
      );
      return set === 'OK';
    } catch (error) {
      this.logger.warn({ msg: 'Chat emit claim unavailable', messageId, err: error });
      return true;
    }
  }

  /** Call right after emitting, with no await in between (see the class comment). */
  confirmEmitted(messageId: string): void {
    // Written to the socket now, not queued for auto-pipelining's next setImmediate: the emit has
    // just been published by the adapter's own client, and a process killed in that gap would
    // leave the claim unconfirmed, so a retry would emit the message a second time.
    const command = new Command(
      'set',
      [keyOf(messageId), 'emitted', 'PX', String(EMIT_CLAIM_TTL_MS)],
      { keyPrefix: this.redis.options.keyPrefix },
    );
    void this.redis.sendCommand(command);
    command.promise.catch((error: unknown) =>
      this.logger.warn({ msg: 'Chat emit confirmation failed', messageId, err: error }),
    );
  }

  /**
   * A retry of a stored message: true only if it was never emitted as far as Redis knows (no
   * claim, or a claim left unconfirmed by an instance that died) and it is recent enough for a
   * claim to still exist.
   */
  async claimRetry(messageId: string, createdAt: string): Promise<boolean> {
    if (Date.now() - Date.parse(createdAt) > EMIT_CLAIM_TTL_MS / 2) return false;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const verdict = Number(
          await this.claimRetryScript.run(
            [keyOf(messageId)],
            [Date.now(), UNCONFIRMED_CLAIM_MS, EMIT_CLAIM_TTL_MS],
          ),
        );
        if (verdict >= 0) return verdict === 1;
        await sleep(Math.min(-verdict + 20, UNCONFIRMED_CLAIM_MS));
      }
      return false;
    } catch (error) {
      this.logger.warn({ msg: 'Chat emit claim unavailable', messageId, err: error });
      return false;
    }
  }
}

const keyOf = (messageId: string) => `chat:emit:${messageId}`;
