import { ScheduledJob } from './scheduled-jobs.constants';
import {
  isScheduledJobName,
  scheduleDefinitions,
  scheduledFor,
  staleSchedulers,
} from './scheduled-jobs.rules';

describe('scheduled job rules', () => {
  const digest = { cron: '0 8 * * *', timeZone: 'Asia/Kolkata' };

  it('defines one scheduler per job; the digest takes its cron and time zone from config', () => {
    const definitions = scheduleDefinitions(digest);
    expect(definitions.map((d) => d.name).sort()).toEqual(Object.values(ScheduledJob).sort());
    expect(definitions.find((d) => d.name === ScheduledJob.Digest)).toEqual({
      name: 'daily-digest',
      pattern: '0 8 * * *',
      tz: 'Asia/Kolkata',
    });
    expect(definitions.find((d) => d.name === ScheduledJob.SessionCleanup)?.pattern).toBe(
      '0 * * * *',
    );
  });

  it('removes only schedulers that no definition names', () => {
    const definitions = scheduleDefinitions(digest);
    expect(staleSchedulers(['daily-digest', 'old-job', 'session-cleanup'], definitions)).toEqual([
      'old-job',
    ]);
    expect(staleSchedulers([], definitions)).toEqual([]);
  });

  it('knows its job names', () => {
    expect(isScheduledJobName('payment-reconciliation')).toBe(true);
    expect(isScheduledJobName('sendDigest')).toBe(false);
  });

  it('a job is for the slot it was scheduled at, whenever it (or a retry) runs', () => {
    const slot = Date.parse('2026-06-02T02:30:00.000Z');
    expect(
      scheduledFor({ timestamp: slot - 5000, opts: { delay: 4000, prevMillis: slot } }),
    ).toEqual(new Date(slot));
    expect(scheduledFor({ timestamp: slot - 5000, opts: { delay: 5000 } })).toEqual(new Date(slot));
    expect(scheduledFor({ timestamp: slot, opts: {} })).toEqual(new Date(slot));
  });
});
