import { ArgumentMetadata } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import { AppError } from '../errors/app-error';
import { createValidationPipe } from '../pipes/validation.pipe';
import {
  MultiLineText,
  PasswordMaxBytes,
  PersonName,
  SingleLineText,
  StrongNewPassword,
  StrongPassword,
} from './text.decorators';
import { OptionalNotNull } from './transforms';

class NameDto {
  @PersonName('firstName', { allowEmpty: false })
  firstName!: string;

  @OptionalNotNull()
  @PersonName('lastName', { allowEmpty: true, blankAsMissing: true })
  lastName?: string;
}

class TextDto {
  @IsOptional()
  @IsString({ message: 'title must be a string' })
  @SingleLineText('title')
  title?: string;

  @IsOptional()
  @IsString({ message: 'bio must be a string' })
  @MultiLineText('bio')
  bio?: string;
}

class PasswordDto {
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @PasswordMaxBytes('password')
  @StrongPassword('password')
  password?: string;
}

class ChangeDto {
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  password?: string;

  @IsOptional()
  @IsString({ message: 'newPassword must be a string' })
  @PasswordMaxBytes('newPassword')
  @StrongNewPassword('newPassword', 'password')
  newPassword?: string;
}

const pipe = createValidationPipe();

async function check(metatype: ArgumentMetadata['metatype'], body: object): Promise<unknown> {
  try {
    return await pipe.transform(body, { type: 'body', metatype });
  } catch (error) {
    if (error instanceof AppError) return { message: error.message };
    throw error;
  }
}

const WEAK =
  'is too weak: use at least 8 characters (at most 72 bytes) with a lowercase letter (a-z), an uppercase letter (A-Z), a digit (0-9) and a symbol such as ! @ # $ % & * ?';
const LONG = 'must be at most 72 bytes (UTF-8): accented letters take 2 bytes and most emoji 4';

describe('text decorators through the global validation pipe', () => {
  it('PersonName trims, NFC-normalises and keeps the name', async () => {
    await expect(check(NameDto, { firstName: '  Nguye\u0302\u0303n ' })).resolves.toMatchObject({
      firstName: 'Nguyễn',
    });
  });

  it('PersonName: blankAsMissing turns a blank optional name into no name at all', async () => {
    const dto = (await check(NameDto, { firstName: 'Amy', lastName: '   ' })) as NameDto;
    expect(dto.lastName).toBeUndefined();
  });

  it.each([
    [{ firstName: 42 }, 'firstName must be a string'],
    [{ firstName: '  ' }, 'firstName cannot be empty'],
    [
      { firstName: 'Amy\u202E' },
      'firstName must not contain control characters, line breaks or text-direction characters',
    ],
    [{ firstName: 'Amy', lastName: null }, 'lastName must be a string'],
    [
      { firstName: 'Amy', lastName: '#1' },
      'lastName may contain only letters, spaces, apostrophes, hyphens and periods',
    ],
    [
      { firstName: 'J0hn' },
      'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
    ],
  ])('PersonName refuses %j', async (body, message) => {
    await expect(check(NameDto, body)).resolves.toEqual({ message });
  });

  it.each([
    [{ title: 'One line 🚀' }, undefined],
    [
      { title: 'two\nlines' },
      'title must not contain control characters, line breaks or text-direction characters',
    ],
    [{ bio: 'two\nlines\r\nok' }, undefined],
    [
      { bio: 'tab\there' },
      'bio must not contain control characters (other than line breaks) or text-direction characters',
    ],
    [
      { bio: '\u2066isolate' },
      'bio must not contain control characters (other than line breaks) or text-direction characters',
    ],
    [{ title: 5 }, 'title must be a string'],
  ])('SingleLineText / MultiLineText: %j', async (body, message) => {
    const result = await check(TextDto, body);
    if (message) expect(result).toEqual({ message });
    else expect(result).toMatchObject(body);
  });

  it.each([
    [{ password: 'Str0ng!pass' }, undefined],
    [{ password: `Aa1!${'é'.repeat(34)}` }, undefined], // exactly 72 bytes
    [{ password: `Aa1!${'é'.repeat(34)}x` }, `password ${LONG}`], // 73 bytes, 39 characters
    [{ password: `Aa1!${'x'.repeat(80)}` }, `password ${LONG}`], // long beats weak-or-strong
    [{ password: 'é'.repeat(40) }, `password ${LONG}`], // too long and weak: the length first
    [{ password: 'password1' }, `password ${WEAK}`],
    [{ password: 'PASSWORD1!' }, `password ${WEAK}`],
    [{ password: 'Sh0rt!' }, `password ${WEAK}`],
  ])('PasswordMaxBytes + StrongPassword: %j', async (body, message) => {
    const result = await check(PasswordDto, body);
    if (message) expect(result).toEqual({ message });
    else expect(result).toMatchObject(body);
  });

  it.each([
    // Presence and sameness are the service's (the contract's order): the DTO lets them through.
    [{}, undefined],
    [{ password: 'Str0ng!pass' }, undefined],
    [{ newPassword: 'weak' }, undefined],
    [{ password: 'same', newPassword: 'same' }, undefined],
    [{ password: 'Str0ng!pass', newPassword: 'weakpass' }, `newPassword ${WEAK}`],
    [{ password: 'Str0ng!pass', newPassword: 'N3w!password' }, undefined],
    [{ password: 'Str0ng!pass', newPassword: `N3w!${'🔑'.repeat(18)}` }, `newPassword ${LONG}`],
  ])('StrongNewPassword: %j', async (body, message) => {
    const result = await check(ChangeDto, body);
    if (message) expect(result).toEqual({ message });
    else expect(result).toMatchObject(body);
  });
});
