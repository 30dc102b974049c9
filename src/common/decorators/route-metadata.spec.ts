import type { ExecutionContext } from '@nestjs/common';
import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeMetadataReader } from './route-metadata';

const Tag = (value: string) => SetMetadata('tag', value);

@Tag('controller')
class Tagged {
  @Tag('handler')
  own(): void {}

  inherited(): void {}
}

class Untagged {
  plain(): void {}
}

@Tag('subclass')
class Sub extends Tagged {}

const contextOf = (controller: object, handler: object) =>
  ({ getHandler: () => handler, getClass: () => controller }) as unknown as ExecutionContext;

describe('routeMetadataReader', () => {
  it('prefers the handler, then the controller, and is undefined without either', () => {
    const read = routeMetadataReader<string>(new Reflector(), 'tag');
    expect(read(contextOf(Tagged, Tagged.prototype.own))).toBe('handler');
    expect(read(contextOf(Tagged, Tagged.prototype.inherited))).toBe('controller');
    expect(read(contextOf(Untagged, Untagged.prototype.plain))).toBeUndefined();
  });

  it('reads a handler once, and a method shared by two controllers answers for each', () => {
    const reflector = new Reflector();
    const lookups = jest.spyOn(reflector, 'getAllAndOverride');
    const read = routeMetadataReader<string>(reflector, 'tag');
    for (let i = 0; i < 3; i++) read(contextOf(Tagged, Tagged.prototype.inherited));
    expect(lookups).toHaveBeenCalledTimes(1);
    expect(read(contextOf(Sub, Tagged.prototype.inherited))).toBe('subclass');
    expect(read(contextOf(Tagged, Tagged.prototype.inherited))).toBe('controller');
  });
});
