import { installLazyCookies } from './lazy-cookies';
import { PARSED_COOKIES } from './message-shapes';

function requestWith(cookie?: string): { headers: { cookie?: string }; cookies?: unknown } {
  const prototype = {};
  installLazyCookies(prototype);
  const request = Object.create(prototype) as { headers: { cookie?: string }; cookies?: unknown };
  request.headers = cookie === undefined ? {} : { cookie };
  return request;
}

describe('installLazyCookies', () => {
  it('parses the Cookie header on first read, decoding values, and keeps the result', () => {
    const request = requestWith('accessToken=abc.def; theme=dark%20blue');
    expect(request.cookies).toEqual({ accessToken: 'abc.def', theme: 'dark blue' });
    request.headers.cookie = 'accessToken=changed';
    expect(request.cookies).toEqual({ accessToken: 'abc.def', theme: 'dark blue' });
  });

  it('is an empty object without a Cookie header, and an assignment replaces it', () => {
    const request = requestWith();
    expect(request.cookies).toEqual({});
    request.cookies = { accessToken: 'set' };
    expect(request.cookies).toEqual({ accessToken: 'set' });
  });

  it('keeps requests apart', () => {
    const prototype = {};
    installLazyCookies(prototype);
    type Cookied = { headers: { cookie: string }; cookies?: unknown };
    const a = Object.assign(Object.create(prototype) as Cookied, { headers: { cookie: 'a=1' } });
    const b = Object.assign(Object.create(prototype) as Cookied, { headers: { cookie: 'b=2' } });
    expect(a.cookies).toEqual({ a: '1' });
    expect(b.cookies).toEqual({ b: '2' });
  });

  it('keeps the parsed cookies in the slot a request declares, adding no property to it', () => {
    const prototype = {};
    installLazyCookies(prototype);
    type Shaped = { headers: { cookie: string }; cookies?: unknown; [PARSED_COOKIES]?: unknown };
    const request = Object.assign(Object.create(prototype) as Shaped, {
      headers: { cookie: 'a=1' },
      [PARSED_COOKIES]: undefined,
    });
    const before = Reflect.ownKeys(request);
    expect(request.cookies).toEqual({ a: '1' });
    request.cookies = { b: '2' };
    expect(request[PARSED_COOKIES]).toEqual({ b: '2' });
    expect(Reflect.ownKeys(request)).toEqual(before);
  });
});
