import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { Error as MongooseError, mongo } from 'mongoose';
import { isDependencyUnavailable } from './dependency-unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDependencyUnavailable', () => {
  it.each<[string, unknown]>([
    ['ioredis gave up retrying a command', new MaxRetriesPerRequestError(1)],
    [
      'ioredis without a connection and no offline queue',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['ioredis connection closed under a command', new Error('Connection is closed.')],
    ['a refused TCP connection', withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    [
      'MongoDB server selection timed out',
      new mongo.MongoServerSelectionError('Server selection timed out after 3000 ms', {
        type: 'Unknown',
        servers: new Map(),
      } as never),
    ],
    ['a MongoDB network error', new mongo.MongoNetworkError('connection 3 to 127.0.0.1 closed')],
    [
      'a MongoDB client not connected',
      new mongo.MongoNotConnectedError('Client must be connected'),
    ],
    [
      'Mongoose buffering gave up',
      new MongooseError('Operation `users.findOne()` buffering timed out after 10000ms'),
    ],
    [
      'MongoDB shutting down',
      new mongo.MongoServerError({ message: 'The server is in quiesce mode', code: 91 }),
    ],
    [
      'MongoDB primary stepped down',
      new mongo.MongoServerError({ message: 'not primary', code: 10107 }),
    ],
    [
      'FerretDB without its PostgreSQL (connection refused)',
      new mongo.MongoServerError({
        message:
          'msg_find.go:43: failed to connect to `user=postgres database=postgres`: dial error: connect: connection refused',
        code: 1,
        codeName: 'InternalError',
      }),
    ],
    [
      'FerretDB whose PostgreSQL died mid-command',
      new mongo.MongoServerError({ message: 'unexpected EOF', code: 1 }),
    ],
    [
      'FerretDB whose PostgreSQL is shutting down',
      new mongo.MongoServerError({
        message: 'FATAL: terminating connection due to administrator command (SQLSTATE 57P01)',
        code: 1,
      }),
    ],
    [
      'FerretDB whose PostgreSQL is starting up',
      new mongo.MongoServerError({
        message: 'FATAL: the database system is starting up (SQLSTATE 57P03)',
        code: 1,
      }),
    ],
    [
      'FerretDB whose pooled PostgreSQL connection was closed',
      new mongo.MongoServerError({ message: 'conn closed', code: 1 }),
    ],
    [
      'an error whose cause is a socket error',
      new Error('query failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') }),
    ],
  ])('%s → unavailable (503)', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a refused Redis command', new Error('ERR wrong number of arguments')],
    [
      'a duplicate key',
      new mongo.MongoServerError({ message: 'E11000 duplicate key error', code: 11000 }),
    ],
    [
      'another FerretDB internal error',
      new mongo.MongoServerError({ message: 'unsupported operator $where', code: 1 }),
    ],
    ['a cast error', new MongooseError.CastError('ObjectId', 'x', '_id')],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('%s → not unavailable', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});
