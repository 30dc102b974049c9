import { isWriteConflict, retryOnWriteConflict } from './write-conflict';

describe('isWriteConflict', () => {
  it('knows MongoDB WriteConflict and the deadlock DocumentDB reports for racing unique inserts', () => {
    expect(isWriteConflict({ code: 112, message: 'WriteConflict' })).toBe(true);
    expect(isWriteConflict({ code: 16908292, message: 'deadlock detected' })).toBe(true);
  });

  it('anything else is not a conflict', () => {
    for (const error of [null, undefined, 'deadlock', {}, { code: 11000, message: 'E11000' }])
      expect(isWriteConflict(error)).toBe(false);
  });
});

describe('retryOnWriteConflict', () => {
  const deadlock = Object.assign(new Error('deadlock detected'), { code: 16908292 });

  it('tries again after a conflict and returns what the write then gives', async () => {
    const write = jest.fn().mockRejectedValueOnce(deadlock).mockResolvedValueOnce('stored');
    await expect(retryOnWriteConflict(write)).resolves.toBe('stored');
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('gives up after its attempts, and never retries any other error', async () => {
    const conflicting = jest.fn().mockRejectedValue(deadlock);
    await expect(retryOnWriteConflict(conflicting, 3)).rejects.toBe(deadlock);
    expect(conflicting).toHaveBeenCalledTimes(3);
    const duplicate = Object.assign(new Error('E11000'), { code: 11000 });
    const failing = jest.fn().mockRejectedValue(duplicate);
    await expect(retryOnWriteConflict(failing)).rejects.toBe(duplicate);
    expect(failing).toHaveBeenCalledTimes(1);
  });
});
