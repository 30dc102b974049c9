/**
 * Access JWTs already verified by this process, with their claims, until they expire. A tab
 * sends the same token with every request for its whole life (15 minutes), and verifying it
 * (two base64 decodes, two JSON parses, an HMAC) was the largest cost of an authenticated read
 * that is ours to cut. Only tokens that passed verification are kept, so an entry proves nothing
 * a fresh verification would not; the session behind it is still checked on every request.
 */
export class VerifiedTokens<Claims extends { exp?: number }> {
  /** Insertion order is age: when full, the oldest entry goes first. */
  private readonly entries = new Map<string, { claims: Claims; expiresAtMs: number }>();

  constructor(private readonly capacity: number) {}

  /** The claims of `token` if it was verified here and has not expired at `nowMs`. */
  get(token: string, nowMs = Date.now()): Claims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    // jsonwebtoken's rule: expired once the current whole second reaches `exp`.
    if (nowMs >= entry.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.claims;
  }

  /** Keeps a token that has just passed verification (one without `exp` is not kept). */
  remember(token: string, claims: Claims): void {
    if (typeof claims.exp !== 'number' || this.entries.has(token)) return;
    if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, { claims, expiresAtMs: claims.exp * 1000 });
  }
}
