import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { Types } from 'mongoose';
import { AppError } from '../errors/app-error';
import { COMMON_ERRORS } from '../errors/common.errors';
import { UNKNOWN_FIELDS_MESSAGE } from '../decorators/unknown-fields-message.decorator';

// When a field breaks several rules, report the most basic one first ("must be a string" before
// "must be shorter than…"; a password over 72 bytes is "too long" before it is "too weak").
const CONSTRAINT_PRIORITY = ['whitelistValidation', 'isDefined', 'isNotEmpty'];
function constraintRank(name: string): number {
  const index = CONSTRAINT_PRIORITY.indexOf(name);
  if (index >= 0) return index;
  if (/^is(String|Int|Number|Boolean|Array|Object|Date)$/.test(name)) return 10;
  if (name === 'passwordMaxBytes') return 12;
  return /^is[A-Z]/.test(name) ? 15 : 20;
}

/** First problem found, as one sentence naming the field (nested fields as `a.b`). */
export function firstValidationMessage(errors: ValidationError[], parent = ''): string {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints?.whitelistValidation && error.target) {
      const custom: unknown = Reflect.getMetadata(UNKNOWN_FIELDS_MESSAGE, error.target.constructor);
      if (typeof custom === 'string') return custom;
    }
    const constraints = Object.entries(error.constraints ?? {})
      .sort(([a], [b]) => constraintRank(a) - constraintRank(b))
      .map(([, message]) => message);
    if (constraints.length > 0) {
      // class-validator messages start with the property name; prefix the parent for nesting.
      return parent ? `${parent}.${constraints[0]}` : constraints[0];
    }
    if (error.children?.length) return firstValidationMessage(error.children, path);
  }
  return COMMON_ERRORS.validationFailed.message;
}

/** Ids are validated by ParseObjectIdPipe, which runs after this pipe and produces the ObjectId. */
class AppValidationPipe extends ValidationPipe {
  protected override toValidate(metadata: ArgumentMetadata): boolean {
    return metadata.metatype !== Types.ObjectId && super.toValidate(metadata);
  }
}

/** Global pipe: strips nothing silently; unknown fields and wrong types are 400s. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // target is only read here (for @UnknownFieldsMessage); it never reaches a response.
    validationError: { target: true, value: false },
    // An AppError so the envelope carries the catalogue's VALIDATION_FAILED code.
    exceptionFactory: (errors) =>
      new AppError(COMMON_ERRORS.validationFailed, firstValidationMessage(errors)),
  });
}
