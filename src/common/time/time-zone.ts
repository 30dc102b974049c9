/** Milliseconds to add to UTC to get wall-clock time in `timeZone` at `instant`. */
function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wallClock = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return wallClock - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The calendar day (YYYY-MM-DD) of `instant` in `timeZone`. */
export function dayIn(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + zoneOffsetMs(instant, timeZone)).toISOString().slice(0, 10);
}

/** UTC instant of 00:00 on the given day (YYYY-MM-DD) in `timeZone`. */
export function startOfDayIn(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00.000Z`);
  const first = new Date(guess.getTime() - zoneOffsetMs(guess, timeZone));
  // Re-evaluate once at the result, for zones whose offset differs around midnight (DST).
  return new Date(guess.getTime() - zoneOffsetMs(first, timeZone));
}

/** [start, end) of the day before `now`'s day in `timeZone`, and that day's name. */
export function yesterdayIn(now: Date, timeZone: string): { day: string; start: Date; end: Date } {
  const today = dayIn(now, timeZone);
  const end = startOfDayIn(today, timeZone);
  const day = dayIn(new Date(end.getTime() - 1), timeZone);
  return { day, start: startOfDayIn(day, timeZone), end };
}
