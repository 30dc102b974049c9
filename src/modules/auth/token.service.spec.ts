import { JwtService } from '@nestjs/jwt';
import { Types } from 'mongoose';
import type { AppConfig } from '../../config/app-config';
import { TokenService } from './token.service';

const config = (accessSecret: string, accessTtlMs: number) =>
  ({ auth: { accessSecret, refreshSecret: 'refresh-secret', accessTtlMs } }) as AppConfig;

describe('TokenService.verifyAccess', () => {
  const userId = new Types.ObjectId();
  const sessionId = new Types.ObjectId();
  const ours = new TokenService(new JwtService(), config('access-secret', 60_000));
  const expiredToken = () => {
    jest.useFakeTimers({ now: Date.now() - 120_000 });
    try {
      return ours.signAccess(userId, sessionId);
    } finally {
      jest.useRealTimers();
    }
  };

  it('accepts a current token', () => {
    const token = ours.signAccess(userId, sessionId);
    expect(ours.verifyAccess(token)).toMatchObject({
      userId: userId.toHexString(),
      sid: sessionId.toHexString(),
    });
  });

  it('refuses an expired token', () => {
    expect(ours.verifyAccess(expiredToken())).toBeNull();
  });

  it('never accepts another key, a tampered payload or garbage', () => {
    const theirs = new TokenService(new JwtService(), config('another-secret', 60_000));
    const foreign = theirs.signAccess(userId, sessionId);
    const [head, , signature] = ours.signAccess(userId, sessionId).split('.');
    const body = Buffer.from(
      JSON.stringify({ userId: new Types.ObjectId().toHexString(), sid: sessionId.toHexString() }),
    ).toString('base64url');
    for (const token of [foreign, `${head}.${body}.${signature}`, 'not.a.jwt', '']) {
      expect(ours.verifyAccess(token)).toBeNull();
    }
  });
});
