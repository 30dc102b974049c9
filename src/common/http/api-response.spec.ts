import { ok, okList, SerializedBody } from './api-response';

describe('okList', () => {
  const pagination = { totalUsers: 2, currentPage: 1, nextCursor: null };

  it('is the JSON of ok(message, { items, ...rest }), byte for byte', () => {
    const items = [Object.freeze({ _id: 'a', name: 'Zoë "Z"' }), { _id: 'b', skills: ['Go'] }];
    const body = okList('Feed fetched successfully', items, { pagination, skipped: undefined });

    expect(body).toBeInstanceOf(SerializedBody);
    expect(body.json).toBe(JSON.stringify(ok('Feed fetched successfully', { items, pagination })));
    expect(okList('Empty', [], {}).json).toBe(
      '{"success":true,"message":"Empty","data":{"items":[]}}',
    );
  });

  it('serializes a frozen item once, an unfrozen one every time', () => {
    const frozen = Object.freeze({ _id: 'a' });
    const open = { _id: 'b' };
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      okList('m', [frozen, open], {});
      const first = stringify.mock.calls.length;
      okList('m', [frozen, open], {});
      // The second call: the message and the unfrozen item only.
      expect(stringify.mock.calls.length - first).toBe(2);
      expect(stringify.mock.calls.slice(first).map(([value]) => value)).toEqual(['m', open]);
    } finally {
      stringify.mockRestore();
    }
  });
});

describe('SerializedBody', () => {
  it('gives any other serializer the document it holds', () => {
    const body = new SerializedBody('{"success":true,"data":{"n":1}}');
    expect(JSON.stringify({ wrapped: body })).toBe('{"wrapped":{"success":true,"data":{"n":1}}}');
  });
});
