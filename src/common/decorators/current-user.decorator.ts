import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Types } from 'mongoose';

/** What the access guard attaches to a request: the user (no secrets) and their session id. */
export interface AuthenticatedUser {
  /** The caller's user document (the users module's shape; handlers read only these fields). */
  user: { _id: Types.ObjectId; firstName: string };
  userId: Types.ObjectId;
  sessionId: Types.ObjectId;
}

export type AuthenticatedRequest = Request & { auth?: AuthenticatedUser };

/** The authenticated caller of a request the access guard let through. */
export function callerOf(request: AuthenticatedRequest): AuthenticatedUser {
  if (!request.auth)
    throw new Error('No authenticated caller: the route is not behind the access guard');
  return request.auth;
}

/** The authenticated caller; handlers never read user ids from the body to decide who calls. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser =>
    callerOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
