import { backoffDelayMs, resolveRetryPolicy, sleep } from './backoff';

describe(backoffDelayMs.name, () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };
  const sut = backoffDelayMs;

  it('should double the ceiling with every failed attempt', () => {
    const ceilings = [1, 2, 3, 4].map((attempt) => sut(attempt, policy, () => 1));

    expect(ceilings).toEqual([100, 200, 400, 800]);
  });

  it('should never exceed the maximum delay', () => {
    expect(sut(30, policy, () => 1)).toBe(1_000);
  });

  it('should keep at least half of the ceiling when jittering', () => {
    expect(sut(3, policy, () => 0)).toBe(200);
  });

  it('should treat attempt 0 like the first retry', () => {
    expect(sut(0, policy, () => 1)).toBe(100);
  });
});

describe(resolveRetryPolicy.name, () => {
  const sut = resolveRetryPolicy;

  it('should fill unset fields with the defaults', () => {
    expect(sut({ maxAttempts: 2 })).toEqual({
      maxAttempts: 2,
      baseDelayMs: 200,
      maxDelayMs: 5_000,
      transientMaxDelayMs: 10_000,
    });
  });

  it.each([
    { maxAttempts: 0 },
    { maxAttempts: 1.5 },
    { baseDelayMs: 10, maxDelayMs: 5 },
    { baseDelayMs: 100, transientMaxDelayMs: 50 },
  ])('should reject the invalid policy %o', (overrides) => {
    expect(() => sut(overrides)).toThrow(RangeError);
  });
});

describe(sleep.name, () => {
  it('should resolve as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const sut = sleep(60_000, controller.signal);

    controller.abort();

    await expect(sut).resolves.toBeUndefined();
  });
});
