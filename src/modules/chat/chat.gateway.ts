import { Logger } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { Types } from 'mongoose';
import { createHmac } from 'node:crypto';
import { AppError, appError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { AppConfig } from '../../config/app-config';
import { pairKeyOf } from '../connections/connection.schema';
import {
  userRoom,
  type ChatAck,
  type ChatClientEvent,
  type JoinChatAck,
  type MarkReadAck,
  type PresenceServer,
  type PresenceSocket,
  type SendMessageAck,
  type TypingAck,
} from '../presence/presence.events';
import { chatToResume } from '../presence/tab-resume';
import {
  parseSendPayload,
  parseTargetPayload,
  parseTypingPayload,
  typingAllowed,
  type Parsed,
} from './chat-rules';
import { ChatEmitClaims } from './chat-emit-claims';
import { CHAT_ERRORS } from './chat.errors';
import { ChatService } from './chat.service';

type AckCallback<A> = ((answer: A) => void) | undefined;

/** The value of a parsed payload, or the catalogue error it was refused with. */
function valueOf<T>(parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  if (parsed.error === 'unexpectedField') throw appError(CHAT_ERRORS.unexpectedField, parsed.field);
  throw appError(CHAT_ERRORS[parsed.error]);
}

/**
 * Chat events on the presence server's sockets (same Socket.io server, see `installSocketServer`).
 * Identity is only `socket.data` as the presence handshake set it: a parked socket is refused with
 * `Authentication Required`, and every id, name or photo in a payload is ignored. Each event is
 * answered through its acknowledgement callback when the client passes one
 * (`{ ok: true, … }` / `{ ok: false, error }`); otherwise only refusals are reported, as
 * `chatError { event, message }`. Nothing a client sends can throw out of a handler.
 *
 * Chat rooms are `chat:` + HMAC-SHA256(server secret, pairKey): not computable from public ids,
 * joined only after the membership check, at most one per socket (M9); a refused join leaves it.
 */
@WebSocketGateway()
export class ChatGateway implements OnGatewayConnection {
  private readonly logger = new Logger(ChatGateway.name);
  /** Last `isTyping: true` relayed per socket (throttle; in memory, dropped with the socket). */
  private readonly typingAt = new WeakMap<PresenceSocket, number>();

  @WebSocketServer() server!: PresenceServer;

  constructor(
    private readonly chat: ChatService,
    private readonly config: AppConfig,
    private readonly claims: ChatEmitClaims,
  ) {}

  /** The pair's room name (server-internal; never sent to clients). */
  chatRoom(a: string, b: string): string {
    const mac = createHmac('sha256', this.config.auth.accessSecret)
      .update(`chat-room:${pairKeyOf(a, b)}`)
      .digest('hex');
    return `chat:${mac}`;
  }

  @SubscribeMessage('joinChat')
  joinChat(
    @ConnectedSocket() socket: PresenceSocket,
    @MessageBody() payload: unknown,
    @Ack() ack: AckCallback<JoinChatAck>,
  ): Promise<void> {
    return this.handle(socket, 'joinChat', ack, (userId) => this.join(socket, userId, payload));
  }

  /**
   * A tab whose connection dropped while it had a chat joined (a rolling restart, a network
   * blip) joins it again on its next connection: the SPA emits `joinChat` only when its chat
   * page mounts. The pair is checked again, as for `joinChat`.
   */
  async handleConnection(socket: PresenceSocket): Promise<void> {
    const chatWith = chatToResume(socket.data.resume, socket.data.userId);
    socket.data.resume = undefined;
    if (!chatWith || !socket.data.userId) return;
    // Kept while the join runs: a connection that drops before it completes (the next instance
    // of a rolling restart) still leaves the chat to its next one.
    socket.data.chatWith = chatWith;
    const userId = new Types.ObjectId(socket.data.userId);
    await this.join(socket, userId, { targetUserId: chatWith }).catch((error: unknown) => {
      if (!(error instanceof AppError)) {
        this.logger.warn({ msg: 'Chat resume failed', userId: socket.data.userId, err: error });
      }
    });
  }

  private async join(
    socket: PresenceSocket,
    userId: Types.ObjectId,
    payload: unknown,
  ): Promise<{ chatId: string | null; canSend: boolean }> {
    // A refused join still leaves the previous room (M9): the client has moved on to another
    // chat, and that conversation's messages must not show in the view that was refused.
    const { targetUserId, chat, access } = await this.joinable(userId, payload).catch(
      async (error: unknown) => {
        await this.leaveChatRoom(socket);
        throw error;
      },
    );
    if (socket.data.userId !== userId.toHexString()) throw appError(COMMON_ERRORS.authRequired);
    const room = this.chatRoom(userId.toHexString(), targetUserId);
    const previous = socket.data.chatRoom;
    if (previous && previous !== room) await socket.leave(previous);
    await socket.join(room);
    socket.data.chatRoom = room;
    socket.data.chatWith = targetUserId.toLowerCase();
    return {
      chatId: chat ? chat._id.toHexString() : null,
      canSend: access.outcome === 'readWrite',
    };
  }

  @SubscribeMessage('sendMessage')
  sendMessage(
    @ConnectedSocket() socket: PresenceSocket,
    @MessageBody() payload: unknown,
    @Ack() ack: AckCallback<SendMessageAck>,
  ): Promise<void> {
    return this.handle(socket, 'sendMessage', ack, async (userId) => {
      const { targetUserId, text, clientMessageId } = valueOf(parseSendPayload(payload));
      const sent = await this.chat.send(
        userId,
        new Types.ObjectId(targetUserId),
        text,
        clientMessageId,
      );
      // One `messageReceived` per stored message: a retry emits only if the send that stored it
      // never did (its instance died in between; see ChatEmitClaims).
      const emit = sent.created
        ? await this.claims.claimStored(sent.message._id)
        : await this.claims.claimRetry(sent.message._id, sent.message.createdAt);
      if (emit) {
        this.server
          .to(this.chatRoom(userId.toHexString(), targetUserId))
          .emit('messageReceived', sent.message);
        this.claims.confirmEmitted(sent.message._id); // same synchronous step as the emit
      }
      return { message: sent.message };
    });
  }

  @SubscribeMessage('markRead')
  markRead(
    @ConnectedSocket() socket: PresenceSocket,
    @MessageBody() payload: unknown,
    @Ack() ack: AckCallback<MarkReadAck>,
  ): Promise<void> {
    return this.handle(socket, 'markRead', ack, async (userId) => {
      const { targetUserId } = valueOf(parseTargetPayload(payload));
      return this.chat.markRead(userId, new Types.ObjectId(targetUserId));
    });
  }

  /** Relayed only within the joined chat room, to the other participant; throttled; not stored. */
  @SubscribeMessage('typing')
  typing(
    @ConnectedSocket() socket: PresenceSocket,
    @MessageBody() payload: unknown,
    @Ack() ack: AckCallback<TypingAck>,
  ): Promise<void> {
    return this.handle(socket, 'typing', ack, async (userId) => {
      const { targetUserId, isTyping } = valueOf(parseTypingPayload(payload));
      const me = userId.toHexString();
      const room = this.chatRoom(me, targetUserId);
      if (socket.data.chatRoom !== room) throw appError(CHAT_ERRORS.notJoined);
      const now = Date.now();
      if (typingAllowed(isTyping, this.typingAt.get(socket), now)) {
        if (isTyping) this.typingAt.set(socket, now);
        else this.typingAt.delete(socket);
        // Typing shows who is online: not across a block (answered as usual, relayed to no one).
        if (!(await this.chat.relayAllowed(userId, new Types.ObjectId(targetUserId)))) return {};
        this.server.to(room).except(userRoom(me)).emit('userTyping', { userId: me, isTyping });
      }
      return {};
    });
  }

  /** The joinChat payload's target and the pair as the caller sees it (refusals throw). */
  private async joinable(userId: Types.ObjectId, payload: unknown) {
    const { targetUserId } = valueOf(parseTargetPayload(payload));
    const pair = await this.chat.pair(userId, new Types.ObjectId(targetUserId));
    return { targetUserId, ...pair };
  }

  private async leaveChatRoom(socket: PresenceSocket): Promise<void> {
    const previous = socket.data.chatRoom;
    socket.data.chatWith = undefined;
    if (!previous) return;
    socket.data.chatRoom = undefined;
    await socket.leave(previous);
  }

  /** Runs one event for an identified socket and answers it (ack, or `chatError` on refusal). */
  private async handle<T extends object>(
    socket: PresenceSocket,
    event: ChatClientEvent,
    ack: AckCallback<ChatAck<T>>,
    work: (userId: Types.ObjectId) => Promise<T>,
  ): Promise<void> {
    let answer: ChatAck<T>;
    const userId = socket.data.userId;
    if (!userId) {
      answer = { ok: false, error: COMMON_ERRORS.authRequired.message };
    } else {
      try {
        answer = { ok: true, ...(await work(new Types.ObjectId(userId))) };
      } catch (error) {
        if (!(error instanceof AppError)) {
          this.logger.error({ msg: 'Chat event failed', event, userId, err: error });
        }
        const message = error instanceof AppError ? error.message : COMMON_ERRORS.internal.message;
        answer = { ok: false, error: message };
      }
    }
    if (typeof ack === 'function') ack(answer);
    else if (!answer.ok) socket.emit('chatError', { event, message: answer.error });
  }
}
