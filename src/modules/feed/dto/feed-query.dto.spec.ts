import { skillsKeyOf } from '../../users/user.schema';
import { feedReadsOfRawQuery } from './feed-query.dto';

describe('feedReadsOfRawQuery (what the guard prefetches before the query is validated)', () => {
  it('reads the skills filter as the DTO does: comma-separated or repeated, blanks dropped', () => {
    expect(feedReadsOfRawQuery({ skills: 'React, Go,' }).skillsKey).toEqual(
      skillsKeyOf(['React', 'Go']),
    );
    expect(feedReadsOfRawQuery({ skills: ['React', 'Go'] }).skillsKey).toEqual(
      skillsKeyOf(['React', 'Go']),
    );
    expect(feedReadsOfRawQuery({ skills: '' }).skillsKey).toBeUndefined();
    expect(feedReadsOfRawQuery({}).skillsKey).toBeUndefined();
  });

  it('a remembered position is read for page > 1 without a cursor only', () => {
    expect(feedReadsOfRawQuery({ page: '2' }).needsPosition).toBe(true);
    expect(feedReadsOfRawQuery({ page: '1' }).needsPosition).toBe(false);
    expect(feedReadsOfRawQuery({}).needsPosition).toBe(false);
    expect(feedReadsOfRawQuery({ page: '3', after: 'x' }).needsPosition).toBe(false);
    expect(feedReadsOfRawQuery({ page: 'abc' }).needsPosition).toBe(false);
  });

  it('works out a frozen query once (shared by every request with its text) and freezes the answer', () => {
    const query = Object.freeze({ page: '2', skills: 'React,Go' });
    const reads = feedReadsOfRawQuery(query);

    expect(feedReadsOfRawQuery(query)).toBe(reads);
    expect(reads).toEqual({
      skillsKey: skillsKeyOf(['React', 'Go']),
      needsPosition: true,
      start: null,
    });
    expect(Object.isFrozen(reads.skillsKey)).toBe(true);
    expect(feedReadsOfRawQuery({ page: '2' })).not.toBe(feedReadsOfRawQuery({ page: '2' }));
  });

  it('the start of a page that does not continue a remembered position, with its size', () => {
    expect(feedReadsOfRawQuery({ page: '1', limit: '5' }).start).toEqual({ limit: 5 });
    expect(feedReadsOfRawQuery({}).start).toEqual({ limit: 10 });
    expect(feedReadsOfRawQuery({ page: '3', after: 'c', limit: '20' }).start).toEqual({
      after: 'c',
      limit: 20,
    });
    expect(feedReadsOfRawQuery({ page: '2' }).start).toBeNull();
    for (const limit of ['0', '51', '2.5', 'x']) {
      expect(feedReadsOfRawQuery({ page: '1', limit }).start).toBeNull();
    }
  });

  it('values the DTO would refuse give no filter rather than throwing', () => {
    expect(feedReadsOfRawQuery({ skills: { $gt: '' } }).skillsKey).toBeUndefined();
  });
});
