/*
 * OpenAPI shapes of the contract's envelopes (§1.3, §1.4). The @nestjs/swagger CLI plugin
 * (nest-cli.json) reads every class in a `*.docs.ts` file: a property's type, whether it is
 * optional (`?`), its description (the comment above it) and `@example` come from the declaration,
 * so a schema changes when the class does. Decorators only add what TypeScript cannot say
 * (formats such as date-time, integer).
 */
import { ApiProperty } from '@nestjs/swagger';

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type NullableKeys<T> = { [K in keyof T]-?: null extends T[K] ? K : never }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Same field names, the same ones optional, the same ones nullable, and every documented type
 * fits the real one.
 */
export type DescribesExactly<Doc, Real> =
  Same<keyof Doc, keyof Real> extends true
    ? Same<OptionalKeys<Doc>, OptionalKeys<Real>> extends true
      ? Same<NullableKeys<Doc>, NullableKeys<Real>> extends true
        ? Doc extends Real
          ? true
          : false
        : false
      : false
    : false;

/**
 * Ties a documentation class to the type the code really returns (a view, a service result): the
 * build fails ("Unable to resolve signature of class decorator") when a field is added, removed,
 * renamed, made optional or nullable, or retyped on one side only. Documented types may be narrower (an enum
 * for a string the schema restricts). No effect at run time.
 */
export function Describes<Real>() {
  return <Doc extends abstract new (...args: never[]) => object>(
    target: DescribesExactly<InstanceType<Doc>, Real> extends true
      ? Doc
      : 'this class no longer matches the fields of the type it describes',
  ): void => void target;
}

/** `{ success: true, message }`: the answer of a route that returns nothing. */
export class SuccessResponse {
  /** Always true on success. @example true */
  success!: true;

  /** What happened, in words the SPA shows as they are. */
  message!: string;
}

/** Every error (contract §1.4): one string message, never an array, and a stable code. */
export class ErrorResponse {
  /** Always false on errors. @example false */
  success!: false;

  /** The problem, in words the SPA shows as they are. */
  message!: string;

  /**
   * What went wrong, for clients to branch on (messages may be reworded, codes stay): a code
   * from the error catalogue, or the HTTP status name (`NOT_FOUND`) for an error no entry covers.
   * @example AUTH_INVALID_CREDENTIALS
   */
  code!: string;
}

/** 429: the error envelope plus when to try again (contract §1.10). */
export class RateLimitedResponse extends ErrorResponse {
  /** Minutes until the window resets, rounded up (the SPA counts it down). @example 15 */
  retryAfter!: number;

  /** The same in seconds (also the `Retry-After` header). @example 840 */
  retryAfterSeconds!: number;

  /** When the window resets. */
  @ApiProperty({ format: 'date-time' })
  retryAt!: string;
}

/** 500: nothing internal leaks; `errorId` is also in the server's log line for this request. */
export class InternalErrorResponse extends ErrorResponse {
  /** Present for unexpected errors. */
  errorId?: string;
}
