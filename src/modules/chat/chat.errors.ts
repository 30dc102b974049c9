import { HttpStatus } from '@nestjs/common';
import type {
  ErrorCatalogue,
  FixedErrorEntry,
  ParameterisedErrorEntry,
} from '../../common/errors/app-error';
import { USER_ERRORS } from '../users/users.errors';

export const MAX_MESSAGE_LENGTH = 2000;
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 64;

/** Every refusal of the chat routes and socket events (acks and `chatError` carry the message). */
export const CHAT_ERRORS = {
  userNotFound: USER_ERRORS.notFound,
  chatWithSelf: {
    code: 'CHAT_WITH_SELF',
    status: HttpStatus.FORBIDDEN,
    message: 'You cannot chat with yourself',
  },
  notConnected: {
    code: 'CHAT_NOT_CONNECTED',
    status: HttpStatus.FORBIDDEN,
    message: 'You can only chat with your connections',
  },
  sendNotAllowed: {
    code: 'CHAT_SEND_NOT_ALLOWED',
    status: HttpStatus.FORBIDDEN,
    message:
      'You are no longer connected with this user: you can read this conversation but not send messages',
  },
  sendBlockedByYou: {
    code: 'CHAT_SEND_BLOCKED_BY_YOU',
    status: HttpStatus.FORBIDDEN,
    message:
      'You blocked this user: you can read this conversation but not send messages (unblocking does not reconnect you)',
  },
  payloadNotObject: {
    code: 'CHAT_PAYLOAD_NOT_OBJECT',
    status: HttpStatus.BAD_REQUEST,
    message: 'The payload must be an object',
  },
  unexpectedField: {
    code: 'CHAT_UNEXPECTED_FIELD',
    status: HttpStatus.BAD_REQUEST,
    message: (field: string) => `Unexpected field: ${field.slice(0, 40)}`,
  } satisfies ParameterisedErrorEntry<[field: string]>,
  invalidTargetUserId: {
    code: 'CHAT_INVALID_TARGET',
    status: HttpStatus.BAD_REQUEST,
    message: 'Invalid targetUserId',
  },
  textNotString: {
    code: 'CHAT_TEXT_NOT_STRING',
    status: HttpStatus.BAD_REQUEST,
    message: 'text must be a string',
  },
  textEmpty: {
    code: 'CHAT_TEXT_EMPTY',
    status: HttpStatus.BAD_REQUEST,
    message: 'Message text must not be empty',
  },
  textTooLong: {
    code: 'CHAT_TEXT_TOO_LONG',
    status: HttpStatus.BAD_REQUEST,
    message: `Message text must be at most ${MAX_MESSAGE_LENGTH} characters`,
  },
  invalidClientMessageId: {
    code: 'CHAT_INVALID_CLIENT_MESSAGE_ID',
    status: HttpStatus.BAD_REQUEST,
    message: `clientMessageId must be 1-${MAX_CLIENT_MESSAGE_ID_LENGTH} letters, digits, "-", "_", ":" or "."`,
  },
  isTypingNotBoolean: {
    code: 'CHAT_IS_TYPING_NOT_BOOLEAN',
    status: HttpStatus.BAD_REQUEST,
    message: 'isTyping must be a boolean',
  },
  notJoined: {
    code: 'CHAT_NOT_JOINED',
    status: HttpStatus.BAD_REQUEST,
    message: 'Join this chat (joinChat) before sending typing indicators',
  },
  sendRateLimited: {
    code: 'CHAT_SEND_RATE_LIMITED',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: 'You are sending messages too fast. Wait a few seconds and try again',
  },
} as const satisfies ErrorCatalogue;

type Entries = typeof CHAT_ERRORS;

/** The refusals with fixed messages (what the pure rules return). */
export type ChatErrorName = {
  [K in keyof Entries]: Entries[K] extends FixedErrorEntry ? K : never;
}[keyof Entries];
