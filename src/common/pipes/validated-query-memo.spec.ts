import { MAX_QUERIES_PER_CLASS, rawQueryKey, ValidatedQueryMemo } from './validated-query-memo';

class ADto {
  page = 1;
  tags?: string[];
}
class BDto {
  page = 1;
}

describe('rawQueryKey', () => {
  it('keys queries of strings and lists of strings, in their order', () => {
    expect(rawQueryKey({ page: '1', tags: ['a', 'b'] })).toBe('{"page":"1","tags":["a","b"]}');
    expect(rawQueryKey({})).toBe('{}');
    expect(rawQueryKey(Object.assign(Object.create(null) as object, { page: '1' }))).toBe(
      '{"page":"1"}',
    );
  });

  it('works out the key of a frozen query once (it cannot change)', () => {
    const query = Object.freeze({ page: '1', tags: Object.freeze(['a']) });
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      expect(rawQueryKey(query)).toBe('{"page":"1","tags":["a"]}');
      expect(rawQueryKey(query)).toBe('{"page":"1","tags":["a"]}');
      expect(rawQueryKey(Object.freeze({ page: { $gt: '' } }))).toBeUndefined();
      expect(stringify).toHaveBeenCalledTimes(1);
    } finally {
      stringify.mockRestore();
    }
  });

  it('leaves anything else to be validated every time', () => {
    expect(rawQueryKey({ page: { $gt: '' } })).toBeUndefined();
    expect(rawQueryKey({ page: 1 })).toBeUndefined();
    expect(rawQueryKey({ tags: ['a', 1] })).toBeUndefined();
    expect(rawQueryKey(['page'])).toBeUndefined();
    expect(rawQueryKey('page=1')).toBeUndefined();
    expect(rawQueryKey(null)).toBeUndefined();
    expect(rawQueryKey(new ADto())).toBeUndefined();
  });
});

describe('ValidatedQueryMemo', () => {
  const dto = (page: number, tags?: string[]) => Object.assign(new ADto(), { page, tags });

  it('gives a copy per read: same class, own lists', () => {
    const memo = new ValidatedQueryMemo();
    const original = dto(2, ['go']);
    memo.remember(ADto, 'k', original);
    original.tags!.push('changed after');
    const first = memo.get<ADto>(ADto, 'k')!;
    first.tags!.push('changed by a reader');
    const second = memo.get<ADto>(ADto, 'k')!;
    expect(second).toBeInstanceOf(ADto);
    expect(second).not.toBe(first);
    expect(second.tags).toEqual(['go']);
  });

  it('keeps classes apart', () => {
    const memo = new ValidatedQueryMemo();
    memo.remember(ADto, 'k', dto(1));
    expect(memo.get(BDto, 'k')).toBeUndefined();
  });

  it('keeps only DTOs of primitives and lists of primitives', () => {
    const memo = new ValidatedQueryMemo();
    memo.remember(ADto, 'date', Object.assign(new ADto(), { at: new Date(0) }));
    memo.remember(ADto, 'nested', Object.assign(new ADto(), { inner: { a: 1 } }));
    memo.remember(ADto, 'plain', 'not an object');
    expect(memo.get(ADto, 'date')).toBeUndefined();
    expect(memo.get(ADto, 'nested')).toBeUndefined();
    expect(memo.get(ADto, 'plain')).toBeUndefined();
  });

  it('holds a bounded number of queries per class', () => {
    const memo = new ValidatedQueryMemo();
    for (let i = 0; i <= MAX_QUERIES_PER_CLASS; i++) memo.remember(ADto, `k${i}`, dto(i));
    expect(memo.get(ADto, 'k0')).toBeUndefined();
    expect(memo.get(ADto, `k${MAX_QUERIES_PER_CLASS}`)).toMatchObject({
      page: MAX_QUERIES_PER_CLASS,
    });
  });
});
