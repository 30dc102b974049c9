import { Injectable, PipeTransform } from '@nestjs/common';
import { Types } from 'mongoose';
import { appError } from '../errors/app-error';
import { COMMON_ERRORS } from '../errors/common.errors';
import { isObjectIdString } from '../validation/object-id';

/** Validates a path id (24 hex characters) and answers `400 Invalid <name>` otherwise. */
@Injectable()
export class ParseObjectIdPipe implements PipeTransform<unknown, Types.ObjectId> {
  constructor(private readonly name: string) {}

  transform(value: unknown): Types.ObjectId {
    if (!isObjectIdString(value)) {
      throw appError(COMMON_ERRORS.invalidId, this.name);
    }
    return new Types.ObjectId(value.toLowerCase());
  }
}
