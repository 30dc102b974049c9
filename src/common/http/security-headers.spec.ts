import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { API_HELMET_OPTIONS } from '../bootstrap/configure-http-app';
import { helmetHeaderEdits, securityHeaders } from './security-headers';

/** Every header of a response but the ones that vary per response. */
async function headersThrough(middleware: RequestHandler, method: 'get' | 'post' | 'delete') {
  const app = express();
  app.use(middleware);
  app.all('/{*path}', (_req, res) => res.json({ ok: true }));
  const response = await request(app)[method]('/some/path?x=1').set('x-forwarded-proto', 'https');
  const { date: _date, etag: _etag, ...rest } = response.headers;
  return rest;
}

describe('securityHeaders', () => {
  it.each(['get', 'post', 'delete'] as const)(
    'answers %s with exactly the headers helmet sets with the API options',
    async (method) => {
      const ours = await headersThrough(securityHeaders(API_HELMET_OPTIONS), method);
      expect(ours).toEqual(await headersThrough(helmet(API_HELMET_OPTIONS), method));
      expect(Object.keys(ours)).toEqual(
        Object.keys(await headersThrough(helmet(API_HELMET_OPTIONS), method)),
      );
      expect(ours).not.toHaveProperty('x-powered-by');
      expect(ours).toHaveProperty('cross-origin-resource-policy', 'cross-origin');
      expect(ours).not.toHaveProperty('content-security-policy');
    },
  );

  it('records helmet default headers in helmet order', () => {
    const { set, removed } = helmetHeaderEdits({});
    expect(set[0]).toEqual(['Content-Security-Policy', expect.any(String)]);
    expect(set.map(([name]) => name)).toContain('Strict-Transport-Security');
    expect(removed).toEqual(['X-Powered-By']);
  });
});
