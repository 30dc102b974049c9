import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import { SessionCleanupService } from '../src/modules/auth/session-cleanup.service';
import { loadConfig } from '../src/config/app-config';
import { WorkerModule } from '../src/worker.module';
import { deleteRedisNamespace, testEnvironment, uniqueNamespace } from './support/test-app';

describe('Worker: expired-session sweep', () => {
  const config = loadConfig(testEnvironment(uniqueNamespace('sweep')));
  let app: INestApplicationContext | undefined;
  let connection: Connection | undefined;

  afterAll(async () => {
    await connection?.dropDatabase();
    await app?.close();
    await deleteRedisNamespace(config);
  });

  it('deletes expired and long-revoked sessions, keeps live and recently revoked ones', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WorkerModule.forRoot(config)],
    }).compile();
    app = await moduleRef.init();
    connection = app.get<Connection>(getConnectionToken());
    const sessions = connection.collection('sessions');
    const now = Date.now();
    const day = 86_400_000;
    const base = {
      userId: new Types.ObjectId(),
      generation: 0,
      tokenHash: 'h',
      issuedAt: new Date(now),
    };
    await sessions.insertMany([
      { ...base, tokenHash: 'live', expiresAt: new Date(now + day), revokedAt: null },
      { ...base, tokenHash: 'expired', expiresAt: new Date(now - 1000), revokedAt: null },
      {
        ...base,
        tokenHash: 'revoked-old',
        expiresAt: new Date(now + day),
        revokedAt: new Date(now - 8 * day),
      },
      {
        ...base,
        tokenHash: 'revoked-new',
        expiresAt: new Date(now + day),
        revokedAt: new Date(now - day),
      },
    ]);
    expect(await app.get(SessionCleanupService).sweep(new Date(now))).toBe(2);
    const left = await sessions.find({}, { projection: { tokenHash: 1 } }).toArray();
    expect(left.map((s) => s.tokenHash).sort()).toEqual(['live', 'revoked-new']);
  });
});
