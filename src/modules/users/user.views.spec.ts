import { Types } from 'mongoose';
import type { UserRecord } from './user.schema';
import { toProfileView, toSafeView, toSelfView, withViewMemo } from './user.views';

const expiry = new Date('2026-12-31T00:00:00.000Z');
const before = new Date('2026-12-30T23:59:59.999Z');

function eliteUser(): UserRecord {
  return {
    _id: new Types.ObjectId('64f1c0a2b3d4e5f601234567'),
    firstName: 'Ada',
    emailId: 'ada@example.com',
    skills: ['Go'],
    membershipType: 'ELITE',
    billingCycle: 'monthly',
    membershipExpiry: expiry,
    onboardingComplete: true,
    emailVerified: true,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    updatedAt: new Date('2026-02-01T00:00:00.000Z'),
  } as unknown as UserRecord;
}

describe('user views of a shared user (withViewMemo)', () => {
  it('builds each view once per plan state and hands out that frozen view', () => {
    const user = Object.freeze(withViewMemo(eliteUser()));
    const self = toSelfView(user, before);
    expect(toSelfView(user, before)).toBe(self);
    expect(Object.isFrozen(self)).toBe(true);
    const safe = toSafeView(user, before);
    expect(toSafeView(user, before)).toBe(safe);
    expect(safe).toMatchObject({ membershipType: 'ELITE', verifiedBadge: true });
    expect(() => ((safe as { about: string }).about = 'changed')).toThrow(TypeError);
  });

  it('tells a running plan from a lapsed one by the time asked, in either order', () => {
    const user = Object.freeze(withViewMemo(eliteUser()));
    expect(toSelfView(user, expiry)).toMatchObject({
      membershipType: 'FREE',
      membershipExpiry: null,
    });
    expect(toSafeView(user, expiry)).not.toHaveProperty('verifiedBadge');
    expect(toSelfView(user, before)).toMatchObject({
      membershipType: 'ELITE',
      membershipExpiry: expiry.toISOString(),
    });
    expect(toSafeView(user, before)).toMatchObject({ membershipType: 'ELITE' });
  });

  it('gives the same views as a user without a memo, which gets a new view every time', () => {
    const plain = eliteUser();
    const shared = withViewMemo(eliteUser());
    expect(toSelfView(shared, before)).toEqual(toSelfView(plain, before));
    expect(toSafeView(shared, before)).toEqual(toSafeView(plain, before));
    expect(toSelfView(plain, before)).not.toBe(toSelfView(plain, before));
  });

  it('keeps the memo out of copies and of the cached JSON', () => {
    const user = withViewMemo(eliteUser());
    toSelfView(user, before);
    const copy = { ...user, firstName: 'Grace' };
    expect(toSelfView(copy, before).firstName).toBe('Grace');
    expect(Object.keys(JSON.parse(JSON.stringify(user)) as object)).not.toContain('self');
    // Views built from a shared one are new objects the caller may extend.
    expect(Object.isFrozen(toProfileView(user, before))).toBe(false);
  });
});
