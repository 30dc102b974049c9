import { io, Socket } from 'socket.io-client';

export interface RecordedEvent {
  event: string;
  payload: unknown;
}

/** A socket.io client as the SPA opens it (cookie in the handshake), recording every event. */
export class TestSocket {
  readonly events: RecordedEvent[] = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => this.events.push({ event, payload }));
  }

  /** Resolves once connected; rejects with the server's connect_error message. */
  static connect(url: string, cookie?: string): Promise<TestSocket> {
    const socket = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: cookie ? { Cookie: cookie } : {},
    });
    const client = new TestSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(client));
      socket.once('connect_error', (error: Error) => {
        socket.close();
        reject(error);
      });
    });
  }

  of(event: string): unknown[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload);
  }

  async waitFor<T = unknown>(
    event: string,
    match: (payload: T) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === event && match(e.payload as T));
      if (found) return found.payload as T;
      if (Date.now() > deadline) {
        throw new Error(`no ${event} within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  emit(event: string, payload?: unknown): void {
    this.socket.emit(event, payload);
  }

  close(): void {
    this.socket.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
