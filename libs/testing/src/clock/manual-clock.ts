/**
 * A clock tests move by hand ("on Sunday", "Tuesday 10:00", "after the hold ran out"). It fits
 * platform's `Clock` by shape: libs/testing must not import platform (platform's tests import it).
 */
export class ManualClock {
  private current: Date;

  constructor(now: Date) {
    this.current = new Date(now);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date): void {
    this.current = new Date(instant);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
