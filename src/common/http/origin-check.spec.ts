import { isWriteAllowed, originOf, originPolicy, type WriteRequest } from './origin-check';

const SPA = 'https://app.devlink.test';
const policy = originPolicy(SPA);
const post = (headers: Partial<WriteRequest> = {}): WriteRequest => ({
  method: 'POST',
  path: '/profile/boost',
  ...headers,
});

describe('isWriteAllowed (cookies SameSite=None)', () => {
  it('never refuses reads', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(
        isWriteAllowed({ method, path: '/profile', origin: 'https://evil.test' }, policy),
      ).toBe(true);
    }
  });

  it("lets writes from the SPA's origin through, and refuses every other origin", () => {
    expect(isWriteAllowed(post({ origin: SPA }), policy)).toBe(true);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'delete']) {
      expect(isWriteAllowed(post({ method, origin: 'https://evil.test' }), policy)).toBe(false);
    }
    expect(isWriteAllowed(post({ origin: 'null' }), policy)).toBe(false);
    expect(isWriteAllowed(post({ origin: 'http://app.devlink.test' }), policy)).toBe(false);
    expect(isWriteAllowed(post({ origin: `${SPA}.evil.test` }), policy)).toBe(false);
  });

  it('the Origin decides when present, even if the Referer is the SPA', () => {
    expect(
      isWriteAllowed(post({ origin: 'https://evil.test', referer: `${SPA}/app` }), policy),
    ).toBe(false);
  });

  it('without Origin, the Referer must be on the SPA origin', () => {
    expect(isWriteAllowed(post({ referer: `${SPA}/app/requests?x=1` }), policy)).toBe(true);
    expect(isWriteAllowed(post({ referer: 'https://evil.test/page' }), policy)).toBe(false);
    expect(isWriteAllowed(post({ referer: 'not a url' }), policy)).toBe(false);
  });

  it('Sec-Fetch-Site: same-origin passes (the API serving its own pages)', () => {
    expect(
      isWriteAllowed(
        post({ origin: 'https://api.devlink.test', secFetchSite: 'same-origin' }),
        policy,
      ),
    ).toBe(true);
  });

  it('with neither Origin nor Referer: a non-browser client passes unless Sec-Fetch-Site names another site', () => {
    expect(isWriteAllowed(post(), policy)).toBe(true);
    expect(isWriteAllowed(post({ secFetchSite: 'none' }), policy)).toBe(true);
    expect(isWriteAllowed(post({ secFetchSite: 'cross-site' }), policy)).toBe(false);
    expect(isWriteAllowed(post({ secFetchSite: 'same-site' }), policy)).toBe(false);
  });

  it('exempts the signed payment webhook (any case, trailing slash, under the prefix)', () => {
    const foreign = { origin: 'https://evil.test' };
    expect(isWriteAllowed(post({ ...foreign, path: '/payment/webhook' }), policy)).toBe(true);
    expect(isWriteAllowed(post({ ...foreign, path: '/Payment/Webhook/' }), policy)).toBe(true);
    expect(isWriteAllowed(post({ ...foreign, path: '/payment/verify' }), policy)).toBe(false);
    const prefixed = originPolicy(SPA, 'api');
    expect(isWriteAllowed(post({ ...foreign, path: '/api/payment/webhook' }), prefixed)).toBe(true);
    expect(isWriteAllowed(post({ ...foreign, path: '/payment/webhook' }), prefixed)).toBe(false);
  });
});

describe('originOf / originPolicy', () => {
  it('reduces URLs to scheme://host:port', () => {
    expect(originOf('https://app.devlink.test/app?x=1')).toBe(SPA);
    expect(originOf('http://localhost:5173')).toBe('http://localhost:5173');
    expect(originOf('ftp://x.test')).toBeUndefined();
    expect(originOf('/relative')).toBeUndefined();
    expect(originPolicy('https://app.devlink.test/spa').allowedOrigin).toBe(SPA);
  });
});
