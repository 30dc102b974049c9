import { EventEmitter } from 'node:events';
import { from, mergeAll, of, type Observable } from 'rxjs';
import type { Socket } from 'socket.io';
import type { AppConfig } from '../../config/app-config';
import { RedisIoAdapter } from './redis-io.adapter';

/** What Nest passes as `transform`: a handler's result (value, promise or observable) as a stream. */
const transform = (result: unknown): Observable<unknown> =>
  from(Promise.resolve(result).then((r) => (r instanceof Promise ? from(r) : of(r)))).pipe(
    mergeAll(),
  );

function bind(callback: (data: unknown, ack?: unknown) => unknown, isAckHandledManually = false) {
  const adapter = new RedisIoAdapter(undefined as never, {} as AppConfig);
  const socket = new EventEmitter() as EventEmitter & { emitted: unknown[][] };
  socket.emitted = [];
  const emit = socket.emit.bind(socket);
  // The socket's outgoing emits are recorded; incoming events are delivered with `deliver`.
  (socket as unknown as { emit: unknown }).emit = (...args: unknown[]) => {
    socket.emitted.push(args);
    return true;
  };
  adapter.bindMessageHandlers(
    socket as unknown as Socket,
    [{ message: 'ping', methodName: 'ping', callback: callback as never, isAckHandledManually }],
    transform,
  );
  const deliver = (...args: unknown[]) => emit('ping', ...args);
  return { socket, deliver };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RedisIoAdapter.bindMessageHandlers', () => {
  it('passes the payload and answers the acknowledgement with what the handler returns', async () => {
    const seen: unknown[] = [];
    const { deliver } = bind((data) => {
      seen.push(data);
      return Promise.resolve({ ok: true });
    });
    const ack = jest.fn();
    deliver({ text: 'hi' }, ack);
    await settle();
    expect(seen).toEqual([{ text: 'hi' }]);
    expect(ack).toHaveBeenCalledWith({ ok: true });
  });

  it('emits an { event, data } answer instead of acknowledging', async () => {
    const { socket, deliver } = bind(() => ({ event: 'pong', data: 42 }));
    const ack = jest.fn();
    deliver('x', ack);
    await settle();
    expect(socket.emitted).toEqual([['pong', 42]]);
    expect(ack).not.toHaveBeenCalled();
  });

  it('sends nothing for an empty answer, or when the handler acknowledges itself', async () => {
    const empty = bind(() => undefined);
    const ack = jest.fn();
    empty.deliver('x', ack);
    const manual = bind(() => 'done', true);
    manual.deliver('x', ack);
    await settle();
    expect(ack).not.toHaveBeenCalled();
    expect(empty.socket.emitted).toEqual([]);
  });

  it('maps several arguments to an array and an event without payload to undefined', async () => {
    const seen: unknown[] = [];
    const { deliver } = bind((data, ack) => {
      seen.push([data, typeof ack]);
      return undefined;
    });
    deliver('a', 'b', () => undefined);
    deliver();
    await settle();
    expect(seen).toEqual([
      [['a', 'b'], 'function'],
      [undefined, 'undefined'],
    ]);
  });
});
