import type { Request } from 'express';
import { Types } from 'mongoose';
import { armPrefetch, prefetchedOf } from '../../common/http/route-prefetch';
import type { AppConfig } from '../../config/app-config';
import { AccessTokenStrategy } from './access-token.strategy';
import type { SessionsService } from './sessions.service';

describe('AccessTokenStrategy.validate and the route prefetch', () => {
  const userId = new Types.ObjectId().toHexString();
  const sid = new Types.ObjectId().toHexString();
  const config = { auth: { accessSecret: 'access-secret' } } as AppConfig;

  function setUp() {
    const sessions = { authenticate: jest.fn(() => Promise.resolve({ userId })) };
    const strategy = new AccessTokenStrategy(config, sessions as unknown as SessionsService);
    const prefetcher = { prefetch: jest.fn(() => 'reads') };
    const req = {} as Request;
    armPrefetch(req, prefetcher);
    return { sessions, strategy, prefetcher, req };
  }

  it('starts the armed prefetch with the verified user id in the tick it starts authenticating', () => {
    const { sessions, strategy, prefetcher, req } = setUp();
    void strategy.validate(req, { userId, sid });
    // Not awaited: both reads were issued synchronously, so Redis gets them in one batch.
    expect(sessions.authenticate).toHaveBeenCalledWith({ userId, sid });
    expect(prefetcher.prefetch).toHaveBeenCalledWith(userId, req);
    expect(prefetchedOf(req)).toEqual({ userId, value: 'reads' });
  });

  it('starts it once, and never for a token without a valid user id', async () => {
    const { strategy, prefetcher, req } = setUp();
    await strategy.validate(req, { userId, sid });
    await strategy.validate(req, { userId, sid });
    expect(prefetcher.prefetch).toHaveBeenCalledTimes(1);

    const other = setUp();
    await other.strategy.validate(other.req, { userId: 'not-an-id', sid });
    expect(other.prefetcher.prefetch).not.toHaveBeenCalled();
    expect(prefetchedOf(other.req)).toBeUndefined();
  });

  it('a route without a prefetcher gets nothing prefetched', async () => {
    const { strategy } = setUp();
    const plain = {} as Request;
    await strategy.validate(plain, { userId, sid });
    expect(prefetchedOf(plain)).toBeUndefined();
  });

  it('a token verified before is recognised again until it expires, its session still checked', async () => {
    const { sessions, strategy } = setUp();
    const exp = Math.floor(Date.now() / 1000) + 60;
    const withCookie = (token: string) =>
      ({ cookies: { accessToken: token } }) as unknown as Request;
    expect(strategy.authenticateVerified(withCookie('t1'))).toBeUndefined();
    await strategy.validate(withCookie('t1'), { userId, sid, exp });
    sessions.authenticate.mockClear();
    await expect(strategy.authenticateVerified(withCookie('t1'))).resolves.toEqual({ userId });
    expect(sessions.authenticate).toHaveBeenCalledWith({ userId, sid, exp });
    expect(strategy.authenticateVerified(withCookie('t2'))).toBeUndefined();
    expect(strategy.authenticateVerified({} as Request)).toBeUndefined();

    const expired = Math.floor(Date.now() / 1000) - 1;
    await strategy.validate(withCookie('old'), { userId, sid, exp: expired });
    expect(strategy.authenticateVerified(withCookie('old'))).toBeUndefined();
  });
});
