import { FixedWindowRateLimiter, LinkPageAdmission } from './link-page-admission';

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

describe(LinkPageAdmission.name, () => {
  it('should refuse a token over its per-minute limit, from any address, until the window ends', () => {
    const sut = new LinkPageAdmission({ perIpPerMinute: 100, perLinkPerMinute: 2 });

    expect(sut.admit('token-a', '10.0.0.1', 0)).toBe(true);
    expect(sut.admit('token-a', '10.0.0.2', 1_000)).toBe(true);
    expect(sut.admit('token-a', '10.0.0.3', 2_000)).toBe(false);
    expect(sut.admit('token-b', '10.0.0.3', 2_000)).toBe(true);
    expect(sut.admit('token-a', '10.0.0.3', 60_000)).toBe(true);
  });

  it('should refuse an address over its per-minute limit, whatever tokens it tries', () => {
    const sut = new LinkPageAdmission({ perIpPerMinute: 2, perLinkPerMinute: 100 });

    expect(sut.admit('guess-1', '10.0.0.9', 0)).toBe(true);
    expect(sut.admit('guess-2', '10.0.0.9', 0)).toBe(true);
    expect(sut.admit('guess-3', '10.0.0.9', 0)).toBe(false);
    expect(sut.admit('guess-3', '10.0.0.10', 0)).toBe(true);
  });
});
