import { Logger } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { IndexBootstrapService, indexFailureMessage } from './index-bootstrap.service';

function serviceWith(createIndexes: jest.Mock) {
  const connection = {
    modelNames: () => ['Connection'],
    model: () => ({ createIndexes }),
  } as unknown as Connection;
  return new IndexBootstrapService(connection);
}

describe('IndexBootstrapService', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'fatal').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('retries when another process building the same indexes caused a deadlock', async () => {
    const createIndexes = jest
      .fn()
      .mockRejectedValueOnce(new Error('deadlock detected'))
      .mockResolvedValueOnce(undefined);
    await serviceWith(createIndexes).onApplicationBootstrap();
    expect(createIndexes).toHaveBeenCalledTimes(2);
  });

  it('fails the boot at once on any other error, naming the model', async () => {
    const createIndexes = jest.fn().mockRejectedValue(new Error('bad index specification'));
    await expect(serviceWith(createIndexes).onApplicationBootstrap()).rejects.toThrow(
      'Index creation failed for model Connection: bad index specification',
    );
    expect(createIndexes).toHaveBeenCalledTimes(1);
  });

  it('gives up after a few races', async () => {
    const createIndexes = jest.fn().mockRejectedValue(new Error('deadlock detected'));
    await expect(serviceWith(createIndexes).onApplicationBootstrap()).rejects.toThrow(
      'deadlock detected',
    );
    expect(createIndexes).toHaveBeenCalledTimes(4);
  }, 10_000);
});

describe('indexFailureMessage', () => {
  it('names the model and the reason', () => {
    expect(indexFailureMessage('Chat', 'duplicate key', [])).toBe(
      'Index creation failed for model Chat: duplicate key',
    );
  });

  it('names the pending migrations and the command to run', () => {
    expect(indexFailureMessage('Chat', 'duplicate key', ['a', 'b'])).toBe(
      'Index creation failed for model Chat: duplicate key. 2 data migration(s) have not been ' +
        'applied to this database (a, b): run `npm run migrate`, then start the API again.',
    );
  });
});
