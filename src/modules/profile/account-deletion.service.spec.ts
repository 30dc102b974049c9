import { Logger } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { Types } from 'mongoose';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { AppError } from '../../common/errors/app-error';
import { AccountDeletionService } from './account-deletion.service';

/** Each module's removal recorded in call order; `failAt` makes one step throw once. */
function setUp(options: { failAt?: string } = {}) {
  const calls: string[] = [];
  const userId = new Types.ObjectId();
  let failing = options.failAt;
  const step =
    (name: string, result: unknown = undefined) =>
    () => {
      calls.push(name);
      if (failing === name) {
        failing = undefined;
        return Promise.reject(new Error(`${name} failed`));
      }
      return Promise.resolve(result);
    };
  let stored: object | null = null;
  const users = {
    findByIdWithPassword: () => Promise.resolve(stored),
    deleteAccount: step('user', true),
  };
  const service = new AccountDeletionService(
    users as never,
    { revokeAllOf: step('sessions', 2) } as never,
    {
      endSocketsOf: () => void calls.push('sockets'),
      connectionRemoved: () => void calls.push('presence-connection-removed'),
    } as never,
    {
      removeAllOf: step('connections', [new Types.ObjectId()]),
      blocksChanged: (_a: unknown, _b: unknown, options: { lifted?: boolean }) => {
        calls.push(options.lifted ? 'feed-blocks-lifted' : 'feed-blocks-changed');
        return Promise.resolve();
      },
    } as never,
    { detachFromUser: step('payments', 1) } as never,
    {
      dropQueuedFor: step('queued-emails', 0),
      sendAccountDeleted: step('confirmation', true),
    } as never,
    { removeAllOf: step('notifications', undefined) } as never,
    { removeAllOf: step('blocks', [new Types.ObjectId(), new Types.ObjectId()]) } as never,
    { detachReporter: step('reports', 1) } as never,
  );
  const caller = { userId, sessionId: new Types.ObjectId(), user: {} } as AuthenticatedUser;
  return {
    service,
    calls,
    caller,
    async store(password: string) {
      stored = {
        _id: userId,
        emailId: 'asha@example.com',
        firstName: 'Asha',
        password: await bcrypt.hash(password, 4),
      };
    },
  };
}

const ORDER = [
  'sessions',
  'sockets',
  'connections',
  'presence-connection-removed',
  'payments',
  'queued-emails',
  'notifications',
  'blocks',
  'feed-blocks-lifted', // once per user on the other side of a removed block
  'feed-blocks-lifted',
  'reports',
  'user',
  'confirmation',
];

describe('AccountDeletionService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('a wrong password runs no step', async () => {
    const { service, calls, caller, store } = setUp();
    await store('Right!pass1');
    await expect(service.delete(caller, 'Wr0ng!pass')).rejects.toMatchObject({
      code: 'ACCOUNT_DELETE_PASSWORD_INCORRECT',
    });
    expect(calls).toEqual([]);
  });

  it('runs every step in order: sessions first, the user document last, then the confirmation', async () => {
    const { service, calls, caller, store } = setUp();
    await store('Right!pass1');
    await service.delete(caller, 'Right!pass1');
    expect(calls).toEqual(ORDER);
  });

  it('a step that fails stops the run before the user document; running again finishes the job', async () => {
    const { service, calls, caller, store } = setUp({ failAt: 'payments' });
    await store('Right!pass1');
    await expect(service.delete(caller, 'Right!pass1')).rejects.toThrow('payments failed');
    expect(calls).not.toContain('user');
    expect(calls).not.toContain('confirmation');
    calls.length = 0;
    await service.delete(caller, 'Right!pass1');
    expect(calls).toEqual(ORDER);
  });

  it('a failure removing blocks stops before the reports and the user; the rerun does both', async () => {
    const { service, calls, caller, store } = setUp({ failAt: 'blocks' });
    await store('Right!pass1');
    await expect(service.delete(caller, 'Right!pass1')).rejects.toThrow('blocks failed');
    expect(calls.slice(-2)).toEqual(['notifications', 'blocks']);
    calls.length = 0;
    await service.delete(caller, 'Right!pass1');
    expect(calls).toEqual(ORDER);
  });

  it('an account already gone is a 404, not a second deletion', async () => {
    const { service, calls, caller } = setUp();
    const error = await service.delete(caller, 'Right!pass1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(404);
    expect(calls).toEqual([]);
  });
});
