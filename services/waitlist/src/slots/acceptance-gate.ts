/**
 * How many acceptance transactions one process runs at once; the rest wait here, in memory,
 * not in the database pool's queue. Fifty patients accepting one slot would otherwise all
 * queue for a connection behind the winner's transaction (which withdraws every other offer)
 * and time out of the pool's wait (503) instead of being told. Waiting here has no timeout:
 * each transaction behind the winner is short (it reads its offer already withdrawn).
 */
export class AcceptanceGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`acceptance gate capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** Half the pool, leaving the rest to the consumers, the relay and the hold-expiry loop. */
  static forPool(poolSize: number): AcceptanceGate {
    return new AcceptanceGate(Math.max(1, Math.floor((poolSize - 1) / 2)));
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.capacity) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so `running` never drops and rises again.
      const next = this.waiting.shift();
      if (next === undefined) this.running -= 1;
      else next();
    }
  }
}
