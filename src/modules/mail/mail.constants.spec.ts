import { EmailJob, emailJobConcerns } from './mail.constants';

describe('emailJobConcerns (which queued emails an account deletion drops)', () => {
  const userId = '665f1c2e9b1e8a3d4c5b6a70';
  const email = 'asha@example.com';

  it.each([
    ['by user id', { name: EmailJob.Digest, data: { userId, to: 'old@example.com' } }, true],
    [
      'by address, any case',
      { name: EmailJob.Welcome, data: { userId: 'x', to: ' Asha@Example.com' } },
      true,
    ],
    [
      'another user',
      { name: EmailJob.Welcome, data: { userId: 'x', to: 'ravi@example.com' } },
      false,
    ],
    ['no data', { name: EmailJob.Welcome }, false],
    [
      'the deletion confirmation itself',
      { name: EmailJob.AccountDeleted, data: { userId, to: email } },
      false,
    ],
  ])('%s', (_name, job, expected) => {
    expect(emailJobConcerns(job, userId, email)).toBe(expected);
  });
});
