import { HEARTBEAT_SLICE, HEARTBEAT_SPREAD_SHARE, heartbeatPlan } from './heartbeat-plan';

describe('heartbeatPlan', () => {
  it('refreshes a few sockets in one slice, without pausing', () => {
    expect(heartbeatPlan(0, 10_000)).toEqual({ sliceSize: HEARTBEAT_SLICE, pauseMs: 0 });
    expect(heartbeatPlan(HEARTBEAT_SLICE, 10_000)).toEqual({
      sliceSize: HEARTBEAT_SLICE,
      pauseMs: 0,
    });
  });

  it('spreads many sockets over a share of the interval', () => {
    const count = 10_000;
    const intervalMs = 10_000;
    const { sliceSize, pauseMs } = heartbeatPlan(count, intervalMs);
    const slices = Math.ceil(count / sliceSize);
    expect(slices).toBe(100);
    expect(pauseMs).toBeGreaterThan(0);
    expect(pauseMs * (slices - 1)).toBeLessThanOrEqual(intervalMs * HEARTBEAT_SPREAD_SHARE);
  });

  it('keeps a whole round well inside the TTL (at least twice the interval)', () => {
    for (const count of [201, 1_000, 50_000, 1_000_000]) {
      const { sliceSize, pauseMs } = heartbeatPlan(count, 500);
      expect(pauseMs * (Math.ceil(count / sliceSize) - 1)).toBeLessThanOrEqual(500 / 4);
    }
  });
});
