import { memoisedForFrozen } from './frozen-memo';

describe('memoisedForFrozen', () => {
  it('derives once per frozen input (undefined included), and every time for anything else', () => {
    const derive = jest.fn((value: { n: number }) => (value.n > 0 ? value.n * 2 : undefined));
    const memoised = memoisedForFrozen(derive);
    const frozen = Object.freeze({ n: 2 });
    const nothing = Object.freeze({ n: 0 });
    const open = { n: 3 };

    expect([memoised(frozen), memoised(frozen)]).toEqual([4, 4]);
    expect([memoised(nothing), memoised(nothing)]).toEqual([undefined, undefined]);
    expect([memoised(open), memoised(open)]).toEqual([6, 6]);
    expect(derive.mock.calls.map(([value]) => value)).toEqual([frozen, nothing, open, open]);
  });
});
