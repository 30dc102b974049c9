/** An ELITE profile boost puts the profile first in everyone's feed for this long. */
export const BOOST_DURATION_MS = 30 * 60_000;
/** One boost per this period, counted from the previous boost's start. */
export const BOOST_COOLDOWN_MS = 7 * 24 * 60 * 60_000;

/** The boost a request at `now` would start, and the earliest previous start that still blocks it. */
export function boostWindow(now: Date): { until: Date; blockedAfter: Date } {
  return {
    until: new Date(now.getTime() + BOOST_DURATION_MS),
    blockedAfter: new Date(now.getTime() - BOOST_COOLDOWN_MS),
  };
}

/** When the next boost may start after one that started at `boostedAt`. */
export function nextBoostAt(boostedAt: Date | null | undefined): Date | null {
  return boostedAt ? new Date(boostedAt.getTime() + BOOST_COOLDOWN_MS) : null;
}

/** `POST /profile/boost` and the self view's boost fields. */
export interface BoostView {
  boostedAt: string;
  boostedUntil: string;
  nextBoostAt: string;
}

export function toBoostView(boostedAt: Date, boostedUntil: Date): BoostView {
  return {
    boostedAt: boostedAt.toISOString(),
    boostedUntil: boostedUntil.toISOString(),
    nextBoostAt: nextBoostAt(boostedAt)!.toISOString(),
  };
}
