import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { middlewareChain } from './middleware-chain';

function runChain(...steps: RequestHandler[]) {
  const done = jest.fn() as jest.Mock & NextFunction;
  middlewareChain(...steps)({} as Request, {} as Response, done);
  return done;
}

describe('middlewareChain', () => {
  it('runs every step in order, then continues after the chain', () => {
    const order: number[] = [];
    const step =
      (n: number): RequestHandler =>
      (_req, _res, next) => {
        order.push(n);
        next();
      };
    const done = runChain(step(1), step(2), step(3));
    expect(order).toEqual([1, 2, 3]);
    expect(done).toHaveBeenCalledWith();
  });

  it('stops at a step that answers without calling next', () => {
    const later = jest.fn();
    const done = runChain((_req, _res) => undefined, later);
    expect(later).not.toHaveBeenCalled();
    expect(done).not.toHaveBeenCalled();
  });

  it('hands an error, passed or thrown, to what follows the chain and skips the rest', () => {
    const later = jest.fn();
    const failure = new Error('bad body');
    expect(runChain((_req, _res, next) => next(failure), later)).toHaveBeenCalledWith(failure);
    expect(
      runChain(() => {
        throw failure;
      }, later),
    ).toHaveBeenCalledWith(failure);
    expect(runChain((_req, _res, next) => next('route'), later)).toHaveBeenCalledWith('route');
    expect(later).not.toHaveBeenCalled();
  });

  it('continues a step that calls next later (a body being read)', async () => {
    const later = jest.fn((_req: Request, _res: Response, next: NextFunction) => next());
    const done = runChain((_req, _res, next) => setImmediate(next), later);
    expect(later).not.toHaveBeenCalled();
    await new Promise((resolve) => setImmediate(resolve));
    expect(later).toHaveBeenCalledTimes(1);
    expect(done).toHaveBeenCalledWith();
  });

  it('hands on an error thrown by a step that runs after an asynchronous one', async () => {
    const failure = new Error('late');
    const done = runChain(
      (_req, _res, next) => setImmediate(next),
      () => {
        throw failure;
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toHaveBeenCalledWith(failure);
  });
});
