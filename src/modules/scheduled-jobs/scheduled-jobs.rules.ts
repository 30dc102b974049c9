import {
  MEMBERSHIP_DOWNGRADE_PATTERN,
  PAYMENT_RECONCILIATION_PATTERN,
  ScheduledJob,
  ScheduledJobName,
  SESSION_CLEANUP_PATTERN,
  NOTIFICATION_CLEANUP_PATTERN,
} from './scheduled-jobs.constants';

/** One job scheduler: its id (also the job name), cron pattern and time zone. */
export interface ScheduleDefinition {
  name: ScheduledJobName;
  pattern: string;
  tz?: string;
}

/** The schedules of this deployment; only the digest's comes from configuration. */
export function scheduleDefinitions(digest: {
  cron: string;
  timeZone: string;
}): ScheduleDefinition[] {
  return [
    { name: ScheduledJob.Digest, pattern: digest.cron, tz: digest.timeZone },
    { name: ScheduledJob.MembershipDowngrade, pattern: MEMBERSHIP_DOWNGRADE_PATTERN },
    { name: ScheduledJob.PaymentReconciliation, pattern: PAYMENT_RECONCILIATION_PATTERN },
    { name: ScheduledJob.SessionCleanup, pattern: SESSION_CLEANUP_PATTERN },
    { name: ScheduledJob.NotificationCleanup, pattern: NOTIFICATION_CLEANUP_PATTERN },
  ];
}

/** Schedulers in Redis that no definition names any more (a job renamed or dropped): removed. */
export function staleSchedulers(
  existing: readonly string[],
  definitions: readonly ScheduleDefinition[],
): string[] {
  const wanted = new Set<string>(definitions.map((d) => d.name));
  return existing.filter((id) => !wanted.has(id));
}

const NAMES: ReadonlySet<string> = new Set(Object.values(ScheduledJob));

export function isScheduledJobName(name: string): name is ScheduledJobName {
  return NAMES.has(name);
}

/**
 * The slot a scheduled job was added for (BullMQ stores it as `prevMillis`; otherwise creation
 * time plus delay). A retry hours later still works on the slot's day, not the retry's.
 */
export function scheduledFor(job: {
  timestamp: number;
  opts: { delay?: number; prevMillis?: number };
}): Date {
  return new Date(job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0));
}
