import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('resolves with the work when it is in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, 'late')).resolves.toBe(42);
  });

  it('rejects with the message when the work is late', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(withTimeout(never, 10, 'queue did not answer')).rejects.toThrow(
      'queue did not answer',
    );
  });

  it("passes the work's own rejection through", async () => {
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000, 'late')).rejects.toThrow(
      'boom',
    );
  });
});
