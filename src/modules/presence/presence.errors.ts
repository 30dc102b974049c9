import { HttpStatus } from '@nestjs/common';
import type { ErrorCatalogue } from '../../common/errors/app-error';

/** Refusals of the socket limits (sent in socket events and acks, or as engine.io's 403). */
export const PRESENCE_ERRORS = {
  /** The socket sent events faster than SOCKET_EVENTS_PER_SECOND (burst SOCKET_EVENT_BURST). */
  tooManyEvents: {
    code: 'SOCKET_RATE_LIMITED',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: 'Too many socket events; slow down',
  },
  /** The user opened more than SOCKET_MAX_PER_USER sockets: the oldest is disconnected. */
  tooManySockets: {
    code: 'SOCKET_TOO_MANY_CONNECTIONS',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: 'Too many open connections for this account; this one was closed',
  },
  /** An anonymous handshake over the per-IP or instance limit (engine.io answers 403). */
  handshakeLimited: {
    code: 'SOCKET_HANDSHAKE_LIMITED',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: 'Too many connection attempts; try again shortly',
  },
} as const satisfies ErrorCatalogue;
