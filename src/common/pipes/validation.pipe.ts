import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { Types } from 'mongoose';
import { AppError } from '../errors/app-error';
import { rawQueryKey, ValidatedQueryMemo } from './validated-query-memo';
import { COMMON_ERRORS } from '../errors/common.errors';
import {
  UNKNOWN_FIELDS_MESSAGE,
  type UnknownFieldsAnswer,
} from '../decorators/unknown-fields-message.decorator';

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

/** A refused DTO: one sentence naming the field, and the code clients branch on. */
export interface ValidationProblem {
  message: string;
  code: string;
}

/**
 * First problem found, as one sentence naming the field (nested fields as `a.b`). The code is
 * the catalogue entry's when the DTO answers with one (`entryRule`, `@UnknownFieldsMessage(entry)`),
 * `VALIDATION_FAILED` otherwise.
 */
export function firstValidationProblem(errors: ValidationError[], parent = ''): ValidationProblem {
  const generic = COMMON_ERRORS.validationFailed.code;
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints?.whitelistValidation && error.target) {
      const custom = Reflect.getMetadata(UNKNOWN_FIELDS_MESSAGE, error.target.constructor) as
        UnknownFieldsAnswer | undefined;
      if (custom) return { message: custom.message, code: custom.code ?? generic };
    }
    const [first] = Object.keys(error.constraints ?? {}).sort(
      (a, b) => constraintRank(a) - constraintRank(b),
    );
    if (first !== undefined) {
      const message = error.constraints![first];
      const context = error.contexts?.[first] as { code?: unknown } | undefined;
      return {
        // class-validator messages start with the property name; prefix the parent for nesting.
        message: parent ? `${parent}.${message}` : message,
        code: typeof context?.code === 'string' ? context.code : generic,
      };
    }
    if (error.children?.length) return firstValidationProblem(error.children, path);
  }
  return { message: COMMON_ERRORS.validationFailed.message, code: generic };
}

/** The message of {@link firstValidationProblem}. */
export function firstValidationMessage(errors: ValidationError[], parent = ''): string {
  return firstValidationProblem(errors, parent).message;
}

/**
 * Ids are validated by ParseObjectIdPipe, which runs after this pipe and produces the ObjectId.
 * Query DTOs are validated once per distinct raw query (see ValidatedQueryMemo).
 */
class AppValidationPipe extends ValidationPipe {
  private readonly queries = new ValidatedQueryMemo();

  protected override toValidate(metadata: ArgumentMetadata): boolean {
    return metadata.metatype !== Types.ObjectId && super.toValidate(metadata);
  }

  // Not async: every parameter of every route passes here, and most go straight to Nest's pipe.
  // A custom decorator's value (`@CurrentUser()`) is handed back as is, as Nest's pipe would do
  // without `validateCustomDecorators`, but without a promise of its own.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest awaits what a pipe returns
  override transform(value: unknown, metadata: ArgumentMetadata): any {
    if (metadata.type === 'custom') return value;
    const dtoClass = metadata.metatype;
    if (metadata.type !== 'query' || !dtoClass) return super.transform(value, metadata);
    const key = this.toValidate(metadata) ? rawQueryKey(value) : undefined;
    if (key === undefined) return super.transform(value, metadata);
    const known = this.queries.get(dtoClass, key);
    if (known) return Promise.resolve(known);
    return super.transform(value, metadata).then((dto: unknown) => {
      this.queries.remember(dtoClass, key, dto);
      return dto;
    });
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
    // An AppError so the envelope carries the catalogue code (VALIDATION_FAILED or the DTO's).
    exceptionFactory: (errors) => {
      const { code, message } = firstValidationProblem(errors);
      return new AppError({ code, status: COMMON_ERRORS.validationFailed.status }, message);
    },
  });
}
