import { isDuplicateKeyError } from './duplicate-key';

describe('isDuplicateKeyError', () => {
  it.each<[string, unknown, boolean]>([
    ['MongoDB / FerretDB E11000', { code: 11000, message: 'E11000 duplicate key error' }, true],
    [
      'FerretDB 1.24 SQLite update into a unique index',
      {
        code: 1,
        message:
          "[msg_update.go:133] constraint failed: UNIQUE constraint failed: index 'm_a_1' (2067)",
      },
      true,
    ],
    [
      'FerretDB v2 + DocumentDB concurrent upserts of one key',
      {
        code: 1,
        message: 'conflicting key value violates exclusion constraint "documents_rum_index_3"',
      },
      true,
    ],
    ['another internal error', { code: 1, message: 'disk I/O error' }, false],
    ['another code', { code: 11001, message: 'UNIQUE constraint failed: index x' }, false],
    ['not an object', 'E11000', false],
    ['null', null, false],
  ])('%s', (_name, error, expected) => {
    expect(isDuplicateKeyError(error)).toBe(expected);
  });
});
