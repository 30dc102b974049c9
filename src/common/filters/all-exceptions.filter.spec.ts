import { DUPLICATE_EMAIL_MESSAGE, duplicateKeyMessage } from './all-exceptions.filter';

describe('duplicateKeyMessage', () => {
  it.each([
    [
      'MongoDB names the key (keyPattern)',
      { keyPattern: { emailId: 1 }, keyValue: { emailId: 'a@b.co' } },
      DUPLICATE_EMAIL_MESSAGE,
    ],
    ['only keyValue', { keyValue: { emailId: 'a@b.co' } }, DUPLICATE_EMAIL_MESSAGE],
    [
      'FerretDB may name only the index in the message',
      { message: 'E11000 duplicate key error collection: devlink.users index: emailId_1 dup key' },
      DUPLICATE_EMAIL_MESSAGE,
    ],
    [
      'another unique key',
      { keyPattern: { pairKey: 1 }, message: 'pairKey_1' },
      'Resource already exists',
    ],
    [
      'keyPattern wins over a message that mentions emailId in a value',
      { keyPattern: { key: 1 }, message: 'dup key: { key: "emailId" }' },
      'Resource already exists',
    ],
    ['nothing to go on', {}, 'Resource already exists'],
    [
      'a field merely containing the word',
      { message: 'index: backupEmailIds_1' },
      'Resource already exists',
    ],
  ])('%s', (_name, error, message) => {
    expect(duplicateKeyMessage(error)).toBe(message);
  });

  it('says what happened and what to do', () => {
    expect(DUPLICATE_EMAIL_MESSAGE).toBe(
      'An account with this email already exists. Log in instead, or sign up with another email.',
    );
  });
});
