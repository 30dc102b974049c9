import { Types } from 'mongoose';
import type { AppConfig } from '../../config/app-config';
import type { MailProducer } from '../mail/mail.producer';
import type { UsersRepository } from '../users/users.repository';
import { AccountRecoveryService } from './account-recovery.service';
import type { PasswordResetLimits } from './password-reset-limits';
import type { PasswordResetsRepository } from './password-resets.repository';
import type { SessionsRepository } from './sessions.repository';

/** Calls in the order they were awaited or started, for comparing the two paths. */
function setUp(account: boolean) {
  const calls: string[] = [];
  const never = new Promise<never>(() => undefined);
  const user = { _id: new Types.ObjectId(), emailId: 'asha@example.com', firstName: 'Asha' };
  const users = {
    findByEmailWithSecrets: jest.fn(() => {
      calls.push('lookup');
      return Promise.resolve(account ? user : null);
    }),
  };
  const limits = {
    count: jest.fn(() => {
      calls.push('limit');
      return Promise.resolve();
    }),
  };
  // The account-only work never finishes: forgot must not wait for it.
  const resets = { create: jest.fn(() => (calls.push('store-link'), never)) };
  const mail = { sendPasswordReset: jest.fn(() => never) };
  const service = new AccountRecoveryService(
    users as unknown as UsersRepository,
    resets as unknown as PasswordResetsRepository,
    {} as SessionsRepository,
    limits as unknown as PasswordResetLimits,
    mail as unknown as MailProducer,
    { auth: { accessSecret: 'secret-0123456789', bcryptCost: 4 } } as AppConfig,
  );
  return { service, calls, resets, limits };
}

describe('AccountRecoveryService.forgot', () => {
  it('awaits the same work for a known and an unknown address; the account-only work is not awaited', async () => {
    const known = setUp(true);
    const unknown = setUp(false);
    await known.service.forgot('asha@example.com');
    await unknown.service.forgot('nobody@example.com');
    expect(unknown.calls).toEqual(['limit', 'lookup']);
    // The known path only starts storing its link (which never completes here) after the same steps.
    expect(known.calls).toEqual(['limit', 'lookup', 'store-link']);
    expect(unknown.resets.create).not.toHaveBeenCalled();
    expect(known.limits.count).toHaveBeenCalledWith('asha@example.com', expect.any(Number));
  });

  it('stores the link as a SHA-256 hash that expires in 30 minutes', async () => {
    const known = setUp(true);
    const now = new Date('2026-01-01T10:00:00Z');
    await known.service.forgot('asha@example.com', now);
    const [[stored]] = known.resets.create.mock.calls as unknown as [
      { tokenHash: string; expiresAt: Date },
    ][];
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.expiresAt.toISOString()).toBe('2026-01-01T10:30:00.000Z');
  });
});
