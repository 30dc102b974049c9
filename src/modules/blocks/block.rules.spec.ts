import { Types } from 'mongoose';
import {
  blockDirection,
  chatSendRefusal,
  hiddenFrom,
  isSelf,
  NO_BLOCKS,
  presenceVisible,
  profileRefusal,
  requestRefusal,
  type BlockDirection,
  type UserBlocks,
} from './block.rules';

const id = (n: number) => new Types.ObjectId(n.toString(16).padStart(24, '0'));
const hex = (n: number) => id(n).toHexString();

describe('block rules', () => {
  const blocks: UserBlocks = { blocked: [hex(2), hex(4)], blockedBy: [hex(3), hex(4)] };

  it.each<[string, number, BlockDirection]>([
    ['no block either way', 5, 'none'],
    ['the user blocked them', 2, 'byMe'],
    ['they blocked the user', 3, 'byThem'],
    ['both blocked: the user’s own block counts', 4, 'byMe'],
  ])('direction: %s', (_case, other, expected) => {
    expect(blockDirection(blocks, id(other))).toBe(expected);
    expect(blockDirection(blocks, hex(other).toUpperCase())).toBe(expected);
  });

  it('hides everyone on either side once', () => {
    expect(hiddenFrom(blocks).sort()).toEqual([hex(2), hex(3), hex(4)]);
    expect(hiddenFrom(NO_BLOCKS)).toEqual([]);
  });

  it('nobody blocks or reports themselves', () => {
    expect(isSelf(id(1), id(1))).toBe(true);
    expect(isSelf(id(1), id(2))).toBe(false);
  });

  it.each<[BlockDirection, ReturnType<typeof requestRefusal>]>([
    ['none', null],
    ['byMe', 'userNotFound'],
    ['byThem', 'userNotFound'],
  ])('a request across %s: %s (the unknown user’s 404, both ways)', (direction, expected) => {
    expect(requestRefusal(direction)).toBe(expected);
  });

  it.each<[BlockDirection, ReturnType<typeof profileRefusal>]>([
    ['none', null],
    ['byMe', 'userNotFound'],
    ['byThem', 'userNotFound'],
  ])(
    'a public profile across %s: %s (the unknown user’s 404, both ways)',
    (direction, expected) => {
      expect(profileRefusal(direction)).toBe(expected);
    },
  );

  it.each<[BlockDirection, ReturnType<typeof chatSendRefusal>]>([
    ['none', null],
    ['byMe', 'sendBlockedByYou'],
    ['byThem', 'sendNotAllowed'],
  ])('a chat send across %s: %s', (direction, expected) => {
    expect(chatSendRefusal(direction)).toBe(expected);
  });

  it('presence shows only where no block stands', () => {
    expect(presenceVisible('none')).toBe(true);
    expect(presenceVisible('byMe')).toBe(false);
    expect(presenceVisible('byThem')).toBe(false);
  });
});
