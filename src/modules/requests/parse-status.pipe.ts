import { PipeTransform } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';

/** Path status values are case-sensitive; anything else is `400 <prefix>: <value>`. */
export class ParseStatusPipe<T extends string> implements PipeTransform<unknown, T> {
  constructor(
    private readonly allowed: readonly T[],
    private readonly prefix: string,
  ) {}

  transform(value: unknown): T {
    if (typeof value === 'string' && (this.allowed as readonly string[]).includes(value))
      return value as T;
    throw new AppError('BAD_REQUEST', `${this.prefix}: ${String(value).slice(0, 40)}`);
  }
}
