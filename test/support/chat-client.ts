import type { ChatMessageEvent, SendMessageAck } from '../../src/modules/presence/presence.events';
import { sleep, type TestSocket } from './sockets';

/**
 * The SPA's chat client: one socket, every send carries a clientMessageId and an ack callback;
 * after a reconnect, every send not acknowledged yet is sent again (an ack lost with the
 * instance never arrives: socket.io-client drops ack callbacks on disconnect).
 */
export class ChatClient {
  readonly acked = new Map<string, ChatMessageEvent>();
  readonly refusals: string[] = [];
  private readonly sent = new Map<string, { targetUserId: string; text: string }>();
  reconnects = 0;
  resends = 0;

  /** Created on a connected socket: every later `connect` is a reconnect. */
  constructor(readonly tab: TestSocket) {
    tab.socket.on('connect', () => {
      this.reconnects++;
      for (const id of this.sent.keys()) {
        if (!this.acked.has(id)) {
          this.resends++;
          this.emit(id);
        }
      }
    });
  }

  send(clientMessageId: string, targetUserId: string, text: string): void {
    this.sent.set(clientMessageId, { targetUserId, text });
    this.emit(clientMessageId);
  }

  async allAcked(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acked.size < this.sent.size) {
      if (Date.now() > deadline) {
        throw new Error(
          `only ${this.acked.size}/${this.sent.size} sends acknowledged; refusals: ${this.refusals.join(', ')}`,
        );
      }
      await sleep(50);
    }
  }

  private emit(clientMessageId: string): void {
    const { targetUserId, text } = this.sent.get(clientMessageId)!;
    this.tab.emit('sendMessage', { targetUserId, text, clientMessageId }, (ack: SendMessageAck) => {
      if (ack.ok) this.acked.set(clientMessageId, ack.message);
      else this.refusals.push(ack.error);
    });
  }
}
