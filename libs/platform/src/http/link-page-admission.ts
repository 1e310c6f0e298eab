/**
 * Fixed windows per key, in memory (per replica). Bounded: when the table is full, the oldest
 * windows are forgotten first, which can only let a request through that a larger table would
 * have refused — never refuse one it would have allowed.
 */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one request for `key`; false when it is over the limit. */
  take(key: string, nowMs: number): boolean {
    const window = this.windows.get(key);
    if (!window || nowMs - window.startedAt >= this.windowMs) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.evictOldest();
      this.windows.set(key, { startedAt: nowMs, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.limit;
  }

  private evictOldest(): void {
    // Map iteration follows insertion order, and a key is re-inserted when its window restarts.
    const drop = Math.max(1, Math.floor(this.maxKeys / 10));
    let dropped = 0;
    for (const key of this.windows.keys()) {
      if (dropped++ >= drop) break;
      this.windows.delete(key);
    }
  }
}

const LINK_WINDOW_MS = 60_000;

/** A link page's limits; each service maps its own config variables onto them. */
export interface LinkPageLimits {
  readonly perIpPerMinute: number;
  readonly perLinkPerMinute: number;
}

/**
 * The rate limits of a public link page (`/a/…`, `/o/…`, `/itineraries/…`): per client IP and
 * per token, one-minute windows. Both windows count every request, so a flood on one key
 * cannot hide behind the other.
 */
export class LinkPageAdmission {
  private readonly perIp: FixedWindowRateLimiter;
  private readonly perLink: FixedWindowRateLimiter;

  constructor(limits: LinkPageLimits) {
    this.perIp = new FixedWindowRateLimiter(limits.perIpPerMinute, LINK_WINDOW_MS);
    this.perLink = new FixedWindowRateLimiter(limits.perLinkPerMinute, LINK_WINDOW_MS);
  }

  /** False when either window is over its limit. */
  admit(token: string, ip: string | undefined, nowMs: number): boolean {
    const ipAllowed = this.perIp.take(ip ?? 'unknown', nowMs);
    const linkAllowed = this.perLink.take(token.slice(0, 64), nowMs);
    return ipAllowed && linkAllowed;
  }
}
