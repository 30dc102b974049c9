import { RedisAdapter, type RedisAdapterOptions } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { BroadcastOptions, PrivateSessionId, Session } from 'socket.io-adapter';

/**
 * What a tab's connection leaves behind when it drops without the client closing it (a rolling
 * restart, a network blip), for that tab's next connection: who it was and which chat it had
 * joined. The SPA joins a chat only when its chat page mounts, so without this a reconnected tab
 * stays out of its chat room and stops receiving `messageReceived`.
 */
export interface TabResume {
  userId: string;
  /** The other participant of the chat the tab had joined. */
  chatWith?: string;
}

/** How long a dropped tab may take to come back and still resume. */
export const TAB_RESUME_TTL_MS = 2 * 60_000;

/**
 * socket.io-client sends its private session id back only with an "offset": the last string
 * argument of any event it received. The online list carries one, so every bound tab has it.
 */
export const RESUME_MARK = 'r';

/**
 * What a dropped socket leaves for its tab's next connection. A socket that had not acted on its
 * own resume yet (it dropped again at once) passes that one on.
 */
export function tabResumeOf(data: {
  userId?: string;
  chatWith?: string;
  resume?: TabResume;
}): TabResume | undefined {
  if (!data.userId) return undefined;
  const chatWith = data.chatWith ?? chatToResume(data.resume, data.userId);
  return chatWith ? { userId: data.userId, chatWith } : { userId: data.userId };
}

/**
 * A resume to act on: only for the same user as the new connection's credential, so a tab that
 * logged in as someone else (or lost its session) resumes nothing.
 */
export function chatToResume(resume: TabResume | undefined, userId: string | undefined) {
  return resume && userId && resume.userId === userId ? resume.chatWith : undefined;
}

/** socket.io's private session ids: 20 random bytes in base64 (the client may send anything). */
const PRIVATE_SESSION_ID = /^[\w+/=-]{16,64}$/;

/** A single local socket's id as the only target (a `socket.emit`): no other instance has it. */
function isOneLocalSocket(opts: BroadcastOptions, localSocketIds: ReadonlyMap<string, unknown>) {
  if (opts.rooms.size !== 1 || opts.except?.size) return false;
  const [room] = opts.rooms;
  return localSocketIds.has(room);
}

/**
 * The Redis adapter with socket.io's connection-state-recovery hooks: a dropped socket's
 * {@link TabResume} is kept in Redis under its private session id, so the tab resumes on any
 * instance. Rooms are not restored as they were: the handshake authenticates again and the
 * chat gateway re-joins the chat after checking the pair again. Missed packets are not
 * replayed (chat history is one HTTP read away).
 */
export class ResumableRedisAdapter extends RedisAdapter {
  constructor(
    nsp: ConstructorParameters<typeof RedisAdapter>[0],
    pub: Redis,
    sub: Redis,
    opts: Partial<RedisAdapterOptions>,
    private readonly resumes: Redis,
    private readonly keyPrefix: string,
  ) {
    super(nsp, pub, sub, opts);
  }

  /**
   * With recovery on, socket.io sends every `socket.emit` through the adapter; one to a socket of
   * this instance need not be published to the others.
   */
  override broadcast(packet: unknown, opts: BroadcastOptions): void {
    const sockets = (this.nsp as { sockets: ReadonlyMap<string, unknown> }).sockets;
    if (isOneLocalSocket(opts, sockets) && !opts.flags?.local) {
      opts = { ...opts, flags: { ...opts.flags, local: true } };
    }
    super.broadcast(packet, opts);
  }

  override persistSession(session: Session): void {
    const resume = tabResumeOf(session.data as Parameters<typeof tabResumeOf>[0]);
    if (!resume) return;
    this.resumes
      .set(this.keyOf(session.pid), JSON.stringify(resume), 'PX', TAB_RESUME_TTL_MS)
      .catch(() => undefined); // the tab then reconnects as a new one
  }

  /**
   * A fresh socket id: the dropped socket's id may still be leaving the presence set elsewhere.
   * The saved resume is read, not taken: a connection that dies before it is established (its
   * instance draining mid-handshake) leaves it for the tab's next attempt; the next drop
   * overwrites it and it expires by itself.
   */
  override async restoreSession(pid: PrivateSessionId): Promise<Session> {
    if (!PRIVATE_SESSION_ID.test(pid)) throw new Error('not a private session id');
    const saved = await this.resumes.get(this.keyOf(pid));
    if (!saved) throw new Error('no session to resume');
    const resume = JSON.parse(saved) as TabResume;
    return {
      sid: randomBytes(15).toString('base64url'),
      pid,
      rooms: [],
      data: { resume },
      missedPackets: [],
    };
  }

  private keyOf(pid: string): string {
    return `${this.keyPrefix}:tab-resume:${pid}`;
  }
}
