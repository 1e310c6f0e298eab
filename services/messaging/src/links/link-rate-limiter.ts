/**
 * Fixed one-minute windows per key, in memory (per replica). Bounded: when the table is full,
 * the oldest windows are forgotten first, which can only let a request through that a larger
 * table would have refused — never refuse one it would have allowed.
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
