import { occupiedFeedTiers, type TierMembers } from './feed-tiers';

const at = (iso: string) => new Date(iso);
const asOf = at('2026-12-01T12:00:00.000Z');
const known = (members: TierMembers['members'], complete = true): TierMembers => ({
  since: at('2026-11-30T12:00:00.000Z'),
  complete,
  members,
});
const sorted = (tiers: Set<number>) => [...tiers].sort();

describe('occupiedFeedTiers', () => {
  it('no member: only the last tier', () => {
    expect(sorted(occupiedFeedTiers(known([]), asOf))).toEqual([2]);
  });

  it('a boost running at asOf fills tier 0; one started later or already over does not', () => {
    const running = {
      boostedAt: at('2026-12-01T11:50:00Z'),
      boostedUntil: at('2026-12-01T12:20:00Z'),
    };
    const later = {
      boostedAt: at('2026-12-01T12:01:00Z'),
      boostedUntil: at('2026-12-01T12:31:00Z'),
    };
    const over = {
      boostedAt: at('2026-12-01T11:00:00Z'),
      boostedUntil: at('2026-12-01T11:30:00Z'),
    };
    expect(sorted(occupiedFeedTiers(known([running]), asOf))).toEqual([0, 2]);
    expect(sorted(occupiedFeedTiers(known([later, over]), asOf))).toEqual([2]);
  });

  it('priority in force fills tier 1, unless the member is boosted then (tier 0)', () => {
    const elite = { feedPriorityUntil: at('2027-01-01T00:00:00Z') };
    const lapsed = { feedPriorityUntil: at('2026-12-01T11:59:59Z') };
    const boostedElite = {
      ...elite,
      boostedAt: at('2026-12-01T11:50:00Z'),
      boostedUntil: at('2026-12-01T12:20:00Z'),
    };
    expect(sorted(occupiedFeedTiers(known([elite, lapsed]), asOf))).toEqual([1, 2]);
    expect(sorted(occupiedFeedTiers(known([lapsed]), asOf))).toEqual([2]);
    expect(sorted(occupiedFeedTiers(known([boostedElite]), asOf))).toEqual([0, 2]);
  });

  it('unknown, too many to list, or a walk older than the list: every tier', () => {
    expect(sorted(occupiedFeedTiers(null, asOf))).toEqual([0, 1, 2]);
    expect(sorted(occupiedFeedTiers(known([], false), asOf))).toEqual([0, 1, 2]);
    expect(sorted(occupiedFeedTiers(known([]), at('2026-11-30T11:59:59Z')))).toEqual([0, 1, 2]);
  });
});
