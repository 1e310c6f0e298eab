/**
 * Fixed one-minute windows per key, in memory (per replica), as messaging's link pages count.
 * Bounded: when the table is full the oldest windows are forgotten first, which can only let a
 * request through that a larger table would have refused.
 */
class FixedWindows {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string, nowMs: number): boolean {
    const window = this.windows.get(key);
    if (!window || nowMs - window.startedAt >= WINDOW_MS) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.evictOldest();
      this.windows.set(key, { startedAt: nowMs, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.limit;
  }

  private evictOldest(): void {
    // Map iteration follows insertion order; a key is re-inserted when its window restarts.
    let drop = Math.max(1, Math.floor(this.maxKeys / 10));
    for (const key of this.windows.keys()) {
      if (drop-- <= 0) break;
      this.windows.delete(key);
    }
  }
}

const WINDOW_MS = 60_000;

/** Rate limits of the itinerary page: per client IP and per token; both count every request. */
export class ItineraryPageAdmission {
  private readonly perIp: FixedWindows;
  private readonly perLink: FixedWindows;

  constructor(limits: { readonly perIpPerMinute: number; readonly perLinkPerMinute: number }) {
    this.perIp = new FixedWindows(limits.perIpPerMinute);
    this.perLink = new FixedWindows(limits.perLinkPerMinute);
  }

  /** False when either window is over its limit. */
  admit(token: string, ip: string | undefined, nowMs: number): boolean {
    const ipAllowed = this.perIp.take(ip ?? 'unknown', nowMs);
    const linkAllowed = this.perLink.take(token.slice(0, 64), nowMs);
    return ipAllowed && linkAllowed;
  }
}
