import { basicCredentialsMatch, bearerTokenMatches, secretMatches } from './credentials';

const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

describe('secretMatches', () => {
  it('is true only for the same string, whatever the lengths', () => {
    expect(secretMatches('s3cret-token-0123', 's3cret-token-0123')).toBe(true);
    expect(secretMatches('s3cret-token-0124', 's3cret-token-0123')).toBe(false);
    expect(secretMatches('s3cret', 's3cret-token-0123')).toBe(false);
    expect(secretMatches('', 's3cret-token-0123')).toBe(false);
    expect(secretMatches('s3cret-token-0123-and-more', 's3cret-token-0123')).toBe(false);
  });
});

describe('bearerTokenMatches', () => {
  const token = 'metrics-token-0123456789';

  it('accepts `Bearer <token>`, the scheme in any case', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an array', [`Bearer metrics-token-0123456789`]],
    ['another token', 'Bearer metrics-token-0123456780'],
    ['a prefix of the token', 'Bearer metrics-token'],
    ['the token without a scheme', 'metrics-token-0123456789'],
    ['basic credentials', basic('metrics:metrics-token-0123456789')],
    ['an empty bearer', 'Bearer '],
  ])('refuses %s', (_case, header) => {
    expect(bearerTokenMatches(header, token)).toBe(false);
  });

  it('refuses everything when no token is configured', () => {
    expect(bearerTokenMatches('Bearer ', undefined)).toBe(false);
    expect(bearerTokenMatches('Bearer undefined', undefined)).toBe(false);
    expect(bearerTokenMatches('Bearer x', '')).toBe(false);
  });
});

describe('basicCredentialsMatch', () => {
  const expected = { user: 'ops', password: 'correct horse battery' };

  it('accepts the exact user and password (a colon in the password is fine)', () => {
    expect(basicCredentialsMatch(basic('ops:correct horse battery'), expected)).toBe(true);
    expect(basicCredentialsMatch(basic('ops:a:b'), { user: 'ops', password: 'a:b' })).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['a wrong password', basic('ops:correct horse batterY')],
    ['a wrong user', basic('Ops:correct horse battery')],
    ['no colon', basic('opscorrect horse battery')],
    ['a bearer token', 'Bearer correct horse battery'],
    ['not base64', 'Basic ***'],
    ['empty credentials', basic(':')],
  ])('refuses %s', (_case, header) => {
    expect(basicCredentialsMatch(header, expected)).toBe(false);
  });
});
