import { isWriteConflict } from './write-conflict';

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
