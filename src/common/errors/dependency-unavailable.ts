import { mongo } from 'mongoose';

/** Seconds a client should wait before retrying a request refused while a dependency was down. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;

/** What ioredis rejects commands with while it has no connection (messages are its constants). */
const REDIS_UNAVAILABLE_MESSAGES = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  'None of startup nodes is available',
]);

/** Socket-level failures of a TCP dependency (refused, reset, unreachable, timed out). */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Server errors that mean "this server cannot serve right now": MongoDB shutting down or
 * stepping down (ShutdownInProgress, PrimarySteppedDown, NotWritablePrimary, InterruptedAtShutdown,
 * InterruptedDueToReplStateChange, NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary).
 */
const MONGO_UNAVAILABLE_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/**
 * FerretDB answers InternalError (code 1) when its PostgreSQL backend cannot be reached, is
 * shutting down or starting (SQLSTATE 57P01/57P03), or dropped the connection mid-query.
 */
const FERRETDB_BACKEND_DOWN =
  /failed to connect to|connection refused|unexpected EOF|dial error|conn closed|connection reset|broken pipe|server closed the connection|terminating connection|database system is (shutting down|starting up|in recovery mode)|SQLSTATE 57P0[0-9]|i\/o timeout/i;

/** Mongoose's own errors while it has no connection (it buffers, then gives up). */
const MONGOOSE_UNAVAILABLE = /buffering timed out|Client must be connected|connection .* closed/i;

/**
 * Whether `error` means Redis or MongoDB could not be reached (as opposed to a bug or a refused
 * command): such a request may succeed when retried, so the API answers 503 instead of 500.
 * Covers ioredis (`MaxRetriesPerRequestError`, no connection and no offline queue, connection
 * closed), the MongoDB driver (server selection, network, not connected, topology closed), a
 * server shutting down or stepping down, FerretDB without its PostgreSQL, Mongoose's buffering
 * timeout, and raw socket errors (`ECONNREFUSED`, …).
 */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 3) return false;
  if (
    error instanceof mongo.MongoServerSelectionError ||
    error instanceof mongo.MongoNetworkError ||
    error instanceof mongo.MongoNotConnectedError ||
    error instanceof mongo.MongoTopologyClosedError
  ) {
    return true;
  }
  if (error instanceof mongo.MongoServerError) {
    const code = error.code;
    if (typeof code === 'number' && MONGO_UNAVAILABLE_CODES.has(code)) return true;
    if (code === 1 && FERRETDB_BACKEND_DOWN.test(error.message)) return true;
  }
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'MongooseServerSelectionError') {
    return true;
  }
  if (REDIS_UNAVAILABLE_MESSAGES.has(error.message)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  if (error.name === 'MongooseError' && MONGOOSE_UNAVAILABLE.test(error.message)) return true;
  // A driver error may wrap the socket error that caused it.
  const cause = (error as { cause?: unknown }).cause;
  return isDependencyUnavailable(cause, depth + 1);
}
