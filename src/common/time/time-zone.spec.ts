import { dayIn, startOfDayIn, yesterdayIn } from './time-zone';

describe('time-zone day windows', () => {
  it('computes yesterday in Asia/Kolkata (UTC+5:30), whatever the server zone', () => {
    // 2026-06-02 08:00 IST = 02:30 UTC
    const now = new Date('2026-06-02T02:30:00.000Z');
    expect(yesterdayIn(now, 'Asia/Kolkata')).toEqual({
      day: '2026-06-01',
      start: new Date('2026-05-31T18:30:00.000Z'),
      end: new Date('2026-06-01T18:30:00.000Z'),
    });
  });

  it('uses the zone day, not the UTC day, near midnight', () => {
    expect(dayIn(new Date('2026-06-01T19:00:00.000Z'), 'Asia/Kolkata')).toBe('2026-06-02');
    expect(dayIn(new Date('2026-06-01T19:00:00.000Z'), 'UTC')).toBe('2026-06-01');
  });

  it('handles a daylight-saving zone', () => {
    // New York switches to EDT (UTC-4) on 2026-03-08; midnight that day is still EST (UTC-5).
    expect(startOfDayIn('2026-03-08', 'America/New_York')).toEqual(
      new Date('2026-03-08T05:00:00.000Z'),
    );
    expect(startOfDayIn('2026-03-09', 'America/New_York')).toEqual(
      new Date('2026-03-09T04:00:00.000Z'),
    );
  });
});
