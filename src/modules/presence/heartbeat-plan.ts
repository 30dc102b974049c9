/** Sockets written per heartbeat slice: a few milliseconds of work between two yields. */
export const HEARTBEAT_SLICE = 100;
/** Slices are spread over at most this share of the heartbeat interval. */
export const HEARTBEAT_SPREAD_SHARE = 0.25;

export interface HeartbeatPlan {
  /** Sockets per slice. */
  sliceSize: number;
  /** Pause between two slices (0: a single slice). */
  pauseMs: number;
}

/**
 * How one heartbeat round walks `count` sockets: in slices of {@link HEARTBEAT_SLICE}, paced over
 * a quarter of the interval, so thousands of session checks and Redis writes never hold the event
 * loop at once. A socket keeps its place in the walk from round to round, so the gap between two
 * of its refreshes stays near `intervalMs` and always under `intervalMs` × (1 + share), well inside
 * the TTL (at least twice the interval).
 */
export function heartbeatPlan(count: number, intervalMs: number): HeartbeatPlan {
  const slices = Math.max(1, Math.ceil(count / HEARTBEAT_SLICE));
  if (slices === 1) return { sliceSize: HEARTBEAT_SLICE, pauseMs: 0 };
  return {
    sliceSize: HEARTBEAT_SLICE,
    pauseMs: Math.floor((intervalMs * HEARTBEAT_SPREAD_SHARE) / (slices - 1)),
  };
}
