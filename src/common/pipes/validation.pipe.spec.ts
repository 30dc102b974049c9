import { type ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Types } from 'mongoose';
import { AppError, entryRule } from '../errors/app-error';
import { UnknownFieldsMessage } from '../decorators/unknown-fields-message.decorator';
import { createValidationPipe, firstValidationMessage } from './validation.pipe';

/** A class-validator error node, as the pipe receives them. */
function node(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
  target?: object,
): ValidationError {
  return { property, constraints, children, target };
}

describe('firstValidationMessage: which failed constraint of a field wins', () => {
  it.each<[string, Record<string, string>, string]>([
    ['type before length', { maxLength: 'M', isString: 'S' }, 'S'],
    ['presence before type', { isString: 'S', isDefined: 'D' }, 'D'],
    ['isDefined before isNotEmpty', { isNotEmpty: 'E', isDefined: 'D' }, 'D'],
    ['isNotEmpty before type', { isString: 'S', isNotEmpty: 'E' }, 'E'],
    ['unknown field before anything', { isDefined: 'D', whitelistValidation: 'W' }, 'W'],
    ['isInt is a type check, before isIn', { isIn: 'I', isInt: 'T' }, 'T'],
    ['isNumber before min', { min: 'N', isNumber: 'T' }, 'T'],
    ['isArray before arrayMaxSize', { arrayMaxSize: 'A', isArray: 'T' }, 'T'],
    ['isBoolean, isObject, isDate are type checks', { isIn: 'I', isDate: 'T' }, 'T'],
    ['type before password bytes', { passwordMaxBytes: 'P', isString: 'S' }, 'S'],
    ['password bytes before strength (matches)', { matches: 'W', passwordMaxBytes: 'P' }, 'P'],
    ['password bytes before format checks', { isEmail: 'F', passwordMaxBytes: 'P' }, 'P'],
    ['format (is…) before other rules', { maxLength: 'M', isEmail: 'F' }, 'F'],
    [
      'a longer is… name is a format check, not a type check',
      { isString: 'S', isStringList: 'F' },
      'S',
    ],
    ['a custom rule ranks after type', { personName: 'N', isString: 'S' }, 'S'],
    ['other rules keep class-validator order (a)', { singleLineText: 'L', maxLength: 'M' }, 'L'],
    ['other rules keep class-validator order (b)', { maxLength: 'M', singleLineText: 'L' }, 'M'],
    ['forbidUnknownValues', { unknownValue: 'U' }, 'U'],
  ])('%s', (_name, constraints, expected) => {
    expect(firstValidationMessage([node('field', constraints)])).toBe(expected);
  });
});

@UnknownFieldsMessage('Invalid update fields')
class WithCustomMessage {}
class WithoutCustomMessage {}

describe('firstValidationMessage: which field, nesting and unknown fields', () => {
  const typeError = (property: string) =>
    node(property, { isString: `${property} must be a string` });

  it.each<[string, ValidationError[], string]>([
    ['no errors at all', [], 'Validation failed'],
    [
      'the first field in order wins, whatever the ranks',
      [typeError('a'), node('b', { isDefined: 'b should not be null or undefined' })],
      'a must be a string',
    ],
    [
      'a field without constraints or children is skipped',
      [node('a', {}), typeError('b')],
      'b must be a string',
    ],
    [
      'a nested field is named a.b',
      [node('address', undefined, [typeError('city')])],
      'address.city must be a string',
    ],
    [
      'deeper nesting joins every level',
      [node('a', undefined, [node('b', undefined, [typeError('c')])])],
      'a.b.c must be a string',
    ],
    [
      'array items are named by index',
      [node('items', undefined, [node('1', undefined, [typeError('name')])])],
      'items.1.name must be a string',
    ],
    [
      "a parent's own constraint comes before its children",
      [node('address', { nestedValidation: 'address must be an object' }, [typeError('city')])],
      'address must be an object',
    ],
    [
      'the first child with a problem wins',
      [node('address', undefined, [node('street', {}), typeError('city'), typeError('zip')])],
      'address.city must be a string',
    ],
    [
      'unknown field, DTO with its own message',
      [
        node(
          'extra',
          { whitelistValidation: 'property extra should not exist' },
          [],
          new WithCustomMessage(),
        ),
      ],
      'Invalid update fields',
    ],
    [
      'unknown field, DTO without a message of its own',
      [
        node(
          'extra',
          { whitelistValidation: 'property extra should not exist' },
          [],
          new WithoutCustomMessage(),
        ),
      ],
      'property extra should not exist',
    ],
    [
      'unknown field, no target recorded',
      [node('extra', { whitelistValidation: 'property extra should not exist' })],
      'property extra should not exist',
    ],
    [
      'the custom message applies to unknown fields only',
      [node('name', { isString: 'name must be a string' }, [], new WithCustomMessage())],
      'name must be a string',
    ],
    [
      'a nested DTO with its own message uses it, without a path',
      [
        node('profile', undefined, [
          node(
            'extra',
            { whitelistValidation: 'property extra should not exist' },
            [],
            new WithCustomMessage(),
          ),
        ]),
      ],
      'Invalid update fields',
    ],
  ])('%s', (_name, errors, expected) => {
    expect(firstValidationMessage(errors)).toBe(expected);
  });
});

// DTOs of this spec only, so the tests below depend on the pipe and class-validator, not on the
// app's DTOs (which have their own e2e tests).
class AddressDto {
  @IsString()
  @MaxLength(5)
  city!: string;
}

class ProfileDto {
  @IsDefined()
  @IsString()
  @MaxLength(10)
  name!: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(20)
  email?: string;

  @IsOptional()
  @IsInt()
  @IsIn([1, 2, 3])
  level?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => AddressDto)
  addresses?: AddressDto[];

  @IsOptional()
  @IsString({ each: true })
  tags?: string[];
}

@UnknownFieldsMessage('Invalid update fields')
class EditDto {
  @IsOptional()
  @IsString()
  @MaxLength(10)
  name?: string;
}

class NoRulesDto {
  name?: string;
}

const PLAN_INVALID = { code: 'TEST_PLAN_INVALID', status: 400, message: 'Invalid plan' } as const;

/** A DTO answering with a catalogue entry: its code travels with the message. */
@UnknownFieldsMessage(PLAN_INVALID)
class PlanDto {
  @IsIn(['PRO', 'ELITE'], entryRule(PLAN_INVALID))
  plan?: string;
}

describe('createValidationPipe (class-validator → one message)', () => {
  const pipe = createValidationPipe();
  const run = (metatype: new () => object, value: unknown) =>
    pipe.transform(value, { type: 'body', metatype });

  async function refusal(metatype: new () => object, value: unknown): Promise<AppError> {
    const error: unknown = await run(metatype, value).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  /** The message of the 400 the pipe throws. */
  async function messageFor(metatype: new () => object, value: unknown): Promise<string> {
    const error = await refusal(metatype, value);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    return error.message;
  }

  it.each([
    ['a failed rule', { plan: 'FREE' }],
    ['an unknown field', { plan: 'PRO', amount: 1 }],
  ])(
    "a DTO answering with a catalogue entry: %s carries the entry's code",
    async (_name, value) => {
      expect(await refusal(PlanDto, value)).toMatchObject({
        status: 400,
        code: 'TEST_PLAN_INVALID',
        message: 'Invalid plan',
      });
    },
  );

  it.each<[string, new () => object, unknown, string]>([
    ['a missing required field', ProfileDto, {}, 'name should not be null or undefined'],
    ['a wrong type, not its length', ProfileDto, { name: 12345678901234 }, 'name must be a string'],
    [
      'too long',
      ProfileDto,
      { name: 'abcdefghijk' },
      'name must be shorter than or equal to 10 characters',
    ],
    [
      'format before length',
      ProfileDto,
      { name: 'a', email: 'x'.repeat(30) },
      'email must be an email',
    ],
    [
      'integer before allowed values',
      ProfileDto,
      { name: 'a', level: 1.5 },
      'level must be an integer number',
    ],
    [
      'allowed values',
      ProfileDto,
      { name: 'a', level: 4 },
      'level must be one of the following values: 1, 2, 3',
    ],
    ['the first declared field wins', ProfileDto, { name: 1, email: 'x' }, 'name must be a string'],
    [
      'an unknown field wins over other problems',
      ProfileDto,
      { name: 1, extra: true },
      'property extra should not exist',
    ],
    [
      'an unknown field, DTO with its own message',
      EditDto,
      { name: 1, age: 3 },
      'Invalid update fields',
    ],
    ['the DTO message is for unknown fields only', EditDto, { name: 1 }, 'name must be a string'],
    [
      'a nested field',
      ProfileDto,
      { name: 'a', address: { city: 7 } },
      'address.city must be a string',
    ],
    [
      'a nested field, type before length',
      ProfileDto,
      { name: 'a', address: { city: 1234567 } },
      'address.city must be a string',
    ],
    [
      'a nested value that is not an object',
      ProfileDto,
      { name: 'a', address: 'Paris' },
      'nested property address must be either object or array',
    ],
    [
      'an array item, named by index',
      ProfileDto,
      { name: 'a', addresses: [{ city: 'Oslo' }, { city: 'Reykjavik' }] },
      'addresses.1.city must be shorter than or equal to 5 characters',
    ],
    [
      "the array's own rule before its items",
      ProfileDto,
      { name: 'a', addresses: [{ city: 1 }, { city: 'a' }, { city: 'b' }] },
      'addresses must contain no more than 2 elements',
    ],
    ['not an array', ProfileDto, { name: 'a', addresses: 'Oslo' }, 'addresses must be an array'],
    [
      'an array of strings checked each',
      ProfileDto,
      { name: 'a', tags: ['go', 3] },
      'each value in tags must be a string',
    ],
    [
      'a class without rules (forbidUnknownValues)',
      NoRulesDto,
      { name: 'a' },
      'an unknown value was passed to the validate function',
    ],
  ])('%s', async (_name, metatype, value, expected) => {
    expect(await messageFor(metatype, value)).toBe(expected);
  });

  it('valid input comes back as an instance of the DTO', async () => {
    const value = await run(ProfileDto, { name: 'Ada', address: { city: 'Oslo' } });
    expect(value).toBeInstanceOf(ProfileDto);
    expect((value as ProfileDto).address).toBeInstanceOf(AddressDto);
  });

  it('leaves ObjectId parameters to ParseObjectIdPipe', async () => {
    const raw = 'not-an-id';
    await expect(
      pipe.transform(raw, { type: 'param', metatype: Types.ObjectId, data: 'id' }),
    ).resolves.toBe(raw);
  });

  it('never puts the rejected value in the message', async () => {
    const message = await messageFor(ProfileDto, { name: 'secret-password-123' });
    expect(message).not.toContain('secret');
  });

  it("hands a custom decorator's value back as is, unvalidated and without a promise", () => {
    const caller = { name: 42 }; // would fail ProfileDto's rules if it were validated
    const value: unknown = pipe.transform(caller, { type: 'custom', metatype: ProfileDto });
    expect(value).toBe(caller);
  });
});

describe('createValidationPipe: query DTOs', () => {
  class ListQueryDto {
    @IsOptional()
    @Type(() => Number)
    @IsInt({ message: 'page must be an integer' })
    page = 1;

    @IsOptional()
    @IsArray()
    @IsString({ each: true })
    tags?: string[];
  }
  const query = { type: 'query' as const, metatype: ListQueryDto };
  let pipe: ReturnType<typeof createValidationPipe>;
  beforeEach(() => (pipe = createValidationPipe()));

  it('answers a repeated query with an equal DTO of its own, lists included', async () => {
    const first = (await pipe.transform({ page: '2', tags: ['go'] }, query)) as ListQueryDto;
    first.tags!.push('mutated by a handler');
    first.page = 99;
    const second = (await pipe.transform({ page: '2', tags: ['go'] }, query)) as ListQueryDto;
    expect(second).toBeInstanceOf(ListQueryDto);
    expect(second).not.toBe(first);
    expect({ ...second }).toEqual({ page: 2, tags: ['go'] });
  });

  it('still refuses a bad query every time it is asked', async () => {
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({ page: 'x' }, query)).rejects.toThrow('page must be an integer');
    }
    await expect(pipe.transform({ page: '1', extra: '1' }, query)).rejects.toThrow(
      'property extra should not exist',
    );
  });

  it('tells queries apart by every value', async () => {
    await pipe.transform({ page: '2' }, query);
    expect(await pipe.transform({ page: '3' }, query)).toMatchObject({ page: 3 });
    expect(await pipe.transform({ page: '3', tags: ['a'] }, query)).toMatchObject({ tags: ['a'] });
  });
});
