import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AllExceptionsFilter } from '../filters/all-exceptions.filter';
import { answerRouteNotFound } from './http-adapter';

function recordingResponse(headersSent = false) {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    headersSent,
    getHeader: () => undefined,
    setHeader: jest.fn(),
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

describe('answerRouteNotFound', () => {
  it("answers exactly what the global filter made of Nest's unmatched-route exception", () => {
    const req = { method: 'GET', originalUrl: '/no-such-route' } as Request;
    const viaFilter = recordingResponse();
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => viaFilter.res, getRequest: () => req }),
    } as unknown as ArgumentsHost;
    new AllExceptionsFilter().catch(new NotFoundException('Cannot GET /no-such-route'), host);

    const direct = recordingResponse();
    answerRouteNotFound(req, direct.res);
    expect(direct.sent).toEqual(viaFilter.sent);
    expect(direct.sent).toEqual({
      status: 404,
      body: { success: false, message: 'Not Found', code: 'ROUTE_NOT_FOUND' },
    });
  });

  it('leaves a response already under way alone', () => {
    const { res, sent } = recordingResponse(true);
    answerRouteNotFound({} as Request, res);
    expect(sent).toEqual({});
  });
});
