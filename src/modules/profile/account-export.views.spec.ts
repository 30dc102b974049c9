import { Types } from 'mongoose';
import type { UserRecord } from '../users/user.schema';
import { capped, toExportPerson, toExportProfile } from './account-export.views';

describe('account export views', () => {
  const id = new Types.ObjectId();

  it('another user: public ChatUser fields only, never their address or plan details', () => {
    const other = {
      _id: id,
      firstName: 'Ravi',
      lastName: 'Iyer',
      photoUrl: 'https://example.com/r.jpg',
      about: 'private-ish',
      membershipType: 'ELITE',
      membershipExpiry: new Date(),
      emailId: 'ravi@example.com',
    } as never;
    expect(toExportPerson(id, other)).toEqual({
      _id: id.toHexString(),
      firstName: 'Ravi',
      lastName: 'Iyer',
      photoUrl: 'https://example.com/r.jpg',
    });
  });

  it('a user who no longer exists is a deleted user without a photo', () => {
    expect(toExportPerson(id, undefined)).toEqual({
      _id: id.toHexString(),
      firstName: 'Deleted',
      lastName: 'user',
      deleted: true,
    });
  });

  it('the own profile: the self view plus the feed dates, no secrets', () => {
    const now = new Date('2026-06-01T00:00:00.000Z');
    const user = {
      _id: id,
      firstName: 'Asha',
      emailId: 'asha@example.com',
      password: '$2b$hash',
      emailVerifyToken: 'token',
      skills: [],
      githubUsername: null,
      membershipType: 'FREE',
      billingCycle: null,
      membershipExpiry: null,
      onboardingComplete: true,
      emailVerified: true,
      boostedAt: new Date('2026-05-30T00:00:00.000Z'),
      createdAt: now,
      updatedAt: now,
    } as unknown as UserRecord;
    const profile = toExportProfile(user, now);
    expect(profile).toMatchObject({
      emailId: 'asha@example.com',
      boostedAt: '2026-05-30T00:00:00.000Z',
      boostedUntil: null,
      feedPriorityUntil: null,
      notificationPreferences: { digest: true, missedMessages: true },
    });
    expect(JSON.stringify(profile)).not.toMatch(/hash|token/);
  });

  it('capped: at most the cap, truncated only when there was more', () => {
    expect(capped([1, 2, 3], 3)).toEqual({ items: [1, 2, 3], truncated: false });
    expect(capped([1, 2, 3, 4], 3)).toEqual({ items: [1, 2, 3], truncated: true });
  });
});
