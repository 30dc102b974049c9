import { io, Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  SendMessageAck,
  ServerToClientEvents,
} from '../../src/modules/presence/presence.events';

/** The payload of a server→client event, from the one declaration the server uses too. */
export type ServerPayload<E extends keyof ServerToClientEvents> = Parameters<
  ServerToClientEvents[E]
>[0];

export interface RecordedEvent {
  event: string;
  payload: unknown;
}

/** A socket.io client as the SPA opens it (cookie in the handshake), recording every event. */
export class TestSocket {
  readonly events: RecordedEvent[] = [];

  private constructor(readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>) {
    socket.onAny((event: string, payload: unknown) => this.events.push({ event, payload }));
  }

  /**
   * A socket opened the way the SPA opens it: once per tab, `withCredentials`, default transports
   * and reconnection settings, never recreated. The browser's cookie jar is `cookies`: every
   * (re)connect sends what it holds then, and cookies the handshake sets are kept in it.
   */
  static openLikeSpa(url: string, cookies: BrowserCookies): TestSocket {
    // The client reads this object at every (re)connect: mutating it is how the tab's cookie
    // header changes between reconnects, as the browser's jar does.
    const headers: Record<string, string> = {};
    const sendBrowserCookies = () => {
      // Node only: engine.io-client keeps a jar per connection and its websocket transport adds
      // that jar to this shared object as `cookie`; a browser has one jar, which is `cookies`.
      delete headers.cookie;
      const header = cookies.header(SOCKET_PATH);
      if (header) headers.Cookie = header;
      else delete headers.Cookie;
    };
    sendBrowserCookies();
    const socket = io(url, { path: '/socket.io', withCredentials: true, extraHeaders: headers });
    socket.io.on('reconnect_attempt', sendBrowserCookies);
    socket.io.on('open', () => {
      // The Node client parsed the handshake's Set-Cookie into its per-connection jar (a browser
      // stores it for good). A cookie set without Path gets the handshake URL's directory.
      for (const [name, cookie] of socket.io.engine._cookieJar?.cookies ?? []) {
        cookies.set(name, cookie.value, defaultPath(SOCKET_PATH), cookie.expires?.getTime());
      }
    });
    return new TestSocket(socket);
  }

  /** Records a socket.io-client socket made by the test itself. */
  static wrap(socket: Socket<ServerToClientEvents, ClientToServerEvents>): TestSocket {
    return new TestSocket(socket);
  }

  /** Resolves on the next successful (re)connection. */
  nextConnect(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no connect within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves with the reason of the next disconnection. */
  nextDisconnect(timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no disconnect within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  }

  /** Forgets what was received so far (e.g. before a reconnect). */
  clear(): void {
    this.events.length = 0;
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

  of<E extends keyof ServerToClientEvents>(event: E): ServerPayload<E>[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as ServerPayload<E>);
  }

  async waitFor<
    E extends keyof ServerToClientEvents,
    T extends ServerPayload<E> = ServerPayload<E>,
  >(event: E, match: (payload: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
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

  emit<E extends keyof ClientToServerEvents>(
    event: E,
    ...args: Parameters<ClientToServerEvents[E]>
  ): void {
    this.socket.emit(event, ...args);
  }

  close(): void {
    this.socket.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SOCKET_PATH = '/socket.io/';

/** RFC 6265 §5.1.4: where a cookie set without a valid Path applies. */
export function defaultPath(requestPath: string): string {
  const path = requestPath.split('?')[0];
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) return '/';
  return path.slice(0, path.lastIndexOf('/'));
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  const path = requestPath.split('?')[0];
  if (path === cookiePath) return true;
  return (
    path.startsWith(cookiePath) && (cookiePath.endsWith('/') || path[cookiePath.length] === '/')
  );
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt?: number;
}

/**
 * The cookies one browser holds for the API's origin: `Set-Cookie` in (Path, Max-Age, Expires
 * honoured, so an access cookie disappears when it expires), `Cookie` header out per path.
 */
export class BrowserCookies {
  private readonly cookies = new Map<string, StoredCookie>();

  /** Applies a response's `Set-Cookie` lines, as for a request to `requestPath`. */
  storeFrom(res: { headers: Record<string, unknown> }, requestPath: string): void {
    const lines = (res.headers['set-cookie'] as string[] | undefined) ?? [];
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      let path = defaultPath(requestPath);
      let expiresAt: number | undefined;
      let maxAge: number | undefined;
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.split('=');
        const attributeValue = rest.join('=');
        switch (key.toLowerCase()) {
          case 'path':
            if (attributeValue.startsWith('/')) path = attributeValue;
            break;
          case 'expires':
            expiresAt = Date.parse(attributeValue);
            break;
          case 'max-age':
            maxAge = Number(attributeValue);
            break;
        }
      }
      if (maxAge !== undefined) expiresAt = Date.now() + maxAge * 1000;
      this.set(name, value, path, expiresAt);
    }
  }

  set(name: string, value: string, path: string, expiresAt?: number): void {
    const key = `${name};${path}`;
    if (expiresAt !== undefined && expiresAt <= Date.now()) this.cookies.delete(key);
    else this.cookies.set(key, { name, value: decodeURIComponent(value), path, expiresAt });
  }

  /** The `Cookie` header a browser sends to `requestPath` now (expired cookies are gone). */
  header(requestPath: string): string {
    return this.valid()
      .filter((cookie) => pathMatches(requestPath, cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  /** The cookie's value if the browser still holds it (for any path). */
  get(name: string): string | undefined {
    return this.valid().find((cookie) => cookie.name === name)?.value;
  }

  private valid(): StoredCookie[] {
    const now = Date.now();
    for (const [key, cookie] of this.cookies) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.cookies.delete(key);
    }
    return [...this.cookies.values()];
  }
}

/** Sends one chat message as the SPA does and resolves with its acknowledgement (5 s at most). */
export function sendMessage(
  tab: TestSocket,
  targetUserId: string,
  text: string,
): Promise<SendMessageAck> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no acknowledgement for sendMessage')), 5000);
    tab.emit('sendMessage', { targetUserId, text }, (ack: SendMessageAck) => {
      clearTimeout(timer);
      resolve(ack);
    });
  });
}

/** {@link sendMessage} that fails the test when the send is refused; resolves with the message. */
export async function sendMessageOk(tab: TestSocket, targetUserId: string, text: string) {
  const ack = await sendMessage(tab, targetUserId, text);
  if (!ack.ok) throw new Error(`send refused: ${ack.error}`);
  return ack.message;
}
