import type { Types } from 'mongoose';
import { describeDevice } from './client-device';
import type { ListedSession } from './sessions.repository';

/** One live session of the caller's, as `GET /auth/sessions` lists it. */
export interface SessionView {
  id: string;
  /** Browser and OS, coarsely, from the User-Agent at login. */
  device: string;
  /** The network (IPv4 /24, IPv6 /48) of the last login or refresh; null when unknown. */
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

export function toSessionView(session: ListedSession, currentId: Types.ObjectId): SessionView {
  return {
    id: session._id.toHexString(),
    device: describeDevice(session.userAgent),
    ip: session.ipPrefix ?? null,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: (session.lastUsedAt ?? session.createdAt).toISOString(),
    current: session._id.equals(currentId),
  };
}
