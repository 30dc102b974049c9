import { closedReport, openReportKey, REPORTS_PER_WINDOW, reportQuota } from './report.rules';

describe('report rules', () => {
  it('one open key per reporter and target, in that order, case-insensitive', () => {
    const a = '665F1C2E9B1E8A3D4C5B6A70';
    const b = '665f1c2e9b1e8a3d4c5b6a7f';
    expect(openReportKey(a, b)).toBe(`${a.toLowerCase()}_${b}`);
    expect(openReportKey(a, b)).not.toBe(openReportKey(b, a));
  });

  it(`allows ${REPORTS_PER_WINDOW} reports per window, then refuses until it ends`, () => {
    expect(reportQuota(1, 3_600_000)).toEqual({ outcome: 'allowed' });
    expect(reportQuota(REPORTS_PER_WINDOW, 1000)).toEqual({ outcome: 'allowed' });
    expect(reportQuota(REPORTS_PER_WINDOW + 1, 90_500)).toEqual({
      outcome: 'refused',
      retryAfterSeconds: 91,
    });
  });

  it('a refusal always says to wait at least a second (a window ending now, or no expiry read)', () => {
    expect(reportQuota(REPORTS_PER_WINDOW + 5, 0)).toEqual({
      outcome: 'refused',
      retryAfterSeconds: 1,
    });
    expect(reportQuota(REPORTS_PER_WINDOW + 5, -2)).toEqual({
      outcome: 'refused',
      retryAfterSeconds: 1,
    });
  });

  it('a decision stores status, note and date, and frees the pair by keying on the report id', () => {
    const now = new Date('2026-12-04T22:00:00Z');
    const id = '665F1C2E9B1E8A3D4C5B6A7F';
    expect(closedReport(id, { status: 'resolved', note: 'warned' }, now)).toEqual({
      status: 'resolved',
      note: 'warned',
      resolvedAt: now,
      openKey: id.toLowerCase(),
    });
    // No note, or an empty one after trimming: stored as null.
    expect(closedReport(id, { status: 'dismissed' }, now).note).toBeNull();
    expect(closedReport(id, { status: 'dismissed', note: '' }, now).note).toBeNull();
    // The freed key can never equal an open pair's key.
    expect(closedReport(id, { status: 'dismissed' }, now).openKey).not.toContain('_');
  });
});
