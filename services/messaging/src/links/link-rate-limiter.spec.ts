import { FixedWindowRateLimiter } from './link-rate-limiter';

describe(FixedWindowRateLimiter.name, () => {
  it('should allow the limit per window and refuse the rest until the window restarts', () => {
    const sut = new FixedWindowRateLimiter(3, 60_000);

    const first = [0, 1, 2, 3, 4].map((at) => sut.take('ip-1', at));
    const other = sut.take('ip-2', 5);
    const next = sut.take('ip-1', 60_000);

    expect(first).toEqual([true, true, true, false, false]);
    expect(other).toBe(true);
    expect(next).toBe(true);
  });

  it('should stay bounded when many keys arrive', () => {
    const sut = new FixedWindowRateLimiter(1, 60_000, 100);

    for (let i = 0; i < 1_000; i++) sut.take(`key-${i}`, 0);

    expect(sut.take('key-999', 1)).toBe(false);
  });
});
