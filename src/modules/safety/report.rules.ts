/**
 * The rules of reporting a user, as pure functions: what a report may say, how many a reporter
 * may send, and when a new one is a duplicate of an open one.
 */

export const REPORT_REASONS = [
  'spam',
  'harassment',
  'inappropriate',
  'fake_profile',
  'other',
] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const REPORT_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** What a moderator may decide about a report: acted on, or nothing to act on. */
export const REPORT_DECISIONS = ['resolved', 'dismissed'] as const;
export type ReportDecision = (typeof REPORT_DECISIONS)[number];

export const MAX_REPORT_DETAILS_LENGTH = 1000;
export const MAX_REPORT_NOTE_LENGTH = 1000;

/** Reports one reporter may file per window, whatever their targets. */
export const REPORTS_PER_WINDOW = 10;
export const REPORT_WINDOW_MS = 60 * 60_000;

/**
 * The key that makes "one open report per reporter and target" a unique index without a partial
 * index (FerretDB has none): an open report holds `<reporter>_<target>`; closing one sets it to
 * the report's own id, which frees the pair for a new report.
 */
export function openReportKey(reporterId: string, targetId: string): string {
  return `${reporterId.toLowerCase()}_${targetId.toLowerCase()}`;
}

/**
 * The fields a moderator's decision sets. The open key becomes the report's own id, which frees
 * the pair for a new report. Deciding again (a correction) replaces the decision, note and date.
 */
export function closedReport(
  reportId: string,
  decision: { status: ReportDecision; note?: string },
  now: Date,
): { status: ReportDecision; note: string | null; resolvedAt: Date; openKey: string } {
  return {
    status: decision.status,
    note: decision.note || null,
    resolvedAt: now,
    openKey: reportId.toLowerCase(),
  };
}

/** Where the reporter stands after counting one more report in the current window. */
export type ReportQuota =
  { outcome: 'allowed' } | { outcome: 'refused'; retryAfterSeconds: number };

/**
 * `count` reports counted in the current window (this one included), which ends in
 * `windowLeftMs`: over {@link REPORTS_PER_WINDOW}, the report is refused until then.
 */
export function reportQuota(count: number, windowLeftMs: number): ReportQuota {
  if (count <= REPORTS_PER_WINDOW) return { outcome: 'allowed' };
  return {
    outcome: 'refused',
    retryAfterSeconds: Math.max(1, Math.ceil(Math.max(windowLeftMs, 0) / 1000)),
  };
}
