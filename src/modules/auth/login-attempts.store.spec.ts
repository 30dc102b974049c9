import type Redis from 'ioredis';
import { AppError } from '../../common/errors/app-error';
import { LoginAttemptsStore } from './login-attempts.store';
import { sha256Hex } from './token.service';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');
const IP = '203.0.113.7';
const EMAIL = 'asha@example.com';

/** A store over a Redis whose first `eval` answers the counting script with `counted`. */
function storeAnswering(counted: number[]) {
  const evalScript = jest.fn((..._args: unknown[]) => Promise.resolve<unknown>(0));
  evalScript.mockResolvedValueOnce(counted);
  const store = new LoginAttemptsStore({ eval: evalScript } as unknown as Redis);
  return { store, evalScript };
}

describe('LoginAttemptsStore', () => {
  it('counts under keys naming the address and the hashed email, with the window and known period', async () => {
    const { store, evalScript } = storeAnswering([1, 900_000, 1, 900_000, 0]);
    await store.begin(IP, EMAIL, NOW);
    expect(evalScript).toHaveBeenCalledTimes(1);
    expect(evalScript.mock.calls[0].slice(1)).toEqual([
      3,
      `login:failures:ip:${IP}`,
      `login:failures:account:${sha256Hex(EMAIL)}`,
      `login:known:${sha256Hex(EMAIL)}`,
      '900000',
      sha256Hex(IP),
      String(NOW),
      String(30 * 24 * 60 * 60_000),
    ]);
  });

  it('an allowed attempt releases nothing; its success resets the account and remembers the address', async () => {
    const { store, evalScript } = storeAnswering([3, 500_000, 10, 400_000, 0]);
    const attempt = await store.begin(IP, EMAIL, NOW);
    await store.succeeded(attempt, NOW);
    expect(evalScript).toHaveBeenCalledTimes(2);
    const [script, ...args] = evalScript.mock.calls[1];
    expect(script).toEqual(expect.stringContaining("redis.call('DEL', KEYS[2])"));
    expect(args).toEqual([
      3,
      `login:failures:ip:${IP}`,
      `login:failures:account:${sha256Hex(EMAIL)}`,
      `login:known:${sha256Hex(EMAIL)}`,
      sha256Hex(IP),
      String(NOW),
      String(30 * 24 * 60 * 60_000),
      '20',
    ]);
  });

  it('a refused attempt takes its provisional failures back and is a 429 with the retry time', async () => {
    const { store, evalScript } = storeAnswering([2, 500_000, 11, 130_000, 0]);
    const error = await store.begin(IP, EMAIL, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      status: 429,
      message: 'Too many attempts. Try again in 3 minute(s)',
      extra: { retryAfter: 3, retryAfterSeconds: 130, retryAt: '2026-12-04T12:02:10.000Z' },
    });
    const [script, ...args] = evalScript.mock.calls[1];
    expect(script).toEqual(expect.stringContaining("redis.call('DECR', key)"));
    expect(args).toEqual([
      2,
      `login:failures:ip:${IP}`,
      `login:failures:account:${sha256Hex(EMAIL)}`,
    ]);
  });

  it('a known address is not held by the account limit', async () => {
    const { store, evalScript } = storeAnswering([2, 500_000, 40, 130_000, 1]);
    await expect(store.begin(IP, EMAIL, NOW)).resolves.toBeDefined();
    expect(evalScript).toHaveBeenCalledTimes(1);
  });

  it('a Redis failure while counting fails the login; one while recording a success does not', async () => {
    const failure = new Error('Connection is closed.');
    const down = new LoginAttemptsStore({
      eval: () => Promise.reject(failure),
    } as unknown as Redis);
    await expect(down.begin(IP, EMAIL, NOW)).rejects.toBe(failure);
    await expect(
      down.succeeded({
        keys: { addressFailures: 'a', accountFailures: 'b', known: 'c' },
        addressId: 'd',
      }),
    ).resolves.toBeUndefined();
  });
});
