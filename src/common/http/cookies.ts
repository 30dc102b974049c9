import type { Request } from 'express';

/** A non-empty cookie value (parsed on first read: lazy-cookies.ts), or undefined. The one way we read cookies. */
export function readCookie(req: Request | undefined, name: string): string | undefined {
  const value: unknown = (req?.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
