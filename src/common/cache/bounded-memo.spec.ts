import { BoundedMemo } from './bounded-memo';

describe('BoundedMemo', () => {
  it('keeps values by key, null included', () => {
    const memo = new BoundedMemo<string, number | null>(3);
    memo.set('a', 1);
    memo.set('b', null);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([1, null, undefined]);
  });

  it('starts over once full, keeping the value that did not fit', () => {
    const memo = new BoundedMemo<string, number>(2);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, undefined, 3]);
  });
});
