import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

type Target = object;

/**
 * Reads one metadata key of a route (handler first, then its controller), remembering the answer
 * per handler: decorators are fixed once the app has booted, and global guards ask on every
 * request, where each `Reflect.getMetadata` walks the prototype chain twice.
 */
export function routeMetadataReader<T>(
  reflector: Reflector,
  key: string,
): (context: ExecutionContext) => T | undefined {
  const byHandler = new WeakMap<Target, { controller: Target; value: T | undefined }>();
  return (context) => {
    const handler = context.getHandler();
    const controller = context.getClass();
    const known = byHandler.get(handler);
    // A method inherited by two controllers is one function: the cache holds for one of them.
    if (known && known.controller === controller) return known.value;
    const value = reflector.getAllAndOverride<T | undefined>(key, [handler, controller]);
    if (!known) byHandler.set(handler, { controller, value });
    return value;
  };
}
