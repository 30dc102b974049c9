import type { NextFunction, Request, Response } from 'express';
import { assignRequestId } from './request-id.middleware';

describe('assignRequestId', () => {
  function run(headers: Record<string, string>, id?: string) {
    const req = { headers, id } as unknown as Request & { id?: string };
    const setHeader = jest.fn();
    const next = jest.fn() as NextFunction;
    assignRequestId(req, { setHeader } as unknown as Response, next);
    return { req, setHeader, next };
  }

  it('reuses a client UUID v4 and echoes it before any other middleware answers', () => {
    const id = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const { req, setHeader, next } = run({ 'x-request-id': id });
    expect(req.id).toBe(id);
    expect(setHeader).toHaveBeenCalledWith('x-request-id', id);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('generates one otherwise, on req.id where pino-http picks it up', () => {
    const { req, setHeader } = run({ 'x-request-id': 'not-a-uuid' });
    expect(req.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(setHeader).toHaveBeenCalledWith('x-request-id', req.id);
  });

  it('keeps an id that is already assigned', () => {
    const { req, setHeader } = run({}, 'existing');
    expect(req.id).toBe('existing');
    expect(setHeader).not.toHaveBeenCalled();
  });
});
