import { PipeTransform } from '@nestjs/common';
import { appError, type ParameterisedErrorEntry } from '../../common/errors/app-error';

/** Path status values are case-sensitive; anything else is the entry's 400, naming the value. */
export class ParseStatusPipe<T extends string> implements PipeTransform<unknown, T> {
  constructor(
    private readonly allowed: readonly T[],
    private readonly invalid: ParameterisedErrorEntry<[value: string]>,
  ) {}

  transform(value: unknown): T {
    if (typeof value === 'string' && (this.allowed as readonly string[]).includes(value))
      return value as T;
    throw appError(this.invalid, String(value).slice(0, 40));
  }
}
