export interface RetryPolicy {
  /** Attempts per message that fails permanently, the first one included, before it goes to the DLQ. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * Cap of the backoff between attempts of a message that fails transiently. Those attempts
   * never end in the DLQ; the cap bounds how long recovery waits once the cause is gone.
   */
  readonly transientMaxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  transientMaxDelayMs: 10_000,
};

/**
 * Delay before retry number `failedAttempts` (1 = after the first failure): exponential,
 * capped, with "equal jitter" (half fixed, half random) so a burst of failing consumers
 * does not retry in lockstep yet each delay keeps a predictable lower bound.
 */
export function backoffDelayMs(
  failedAttempts: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError('retry.maxAttempts must be an integer >= 1');
  }
  if (policy.baseDelayMs < 0 || policy.maxDelayMs < policy.baseDelayMs) {
    throw new RangeError('retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs');
  }
  if (policy.transientMaxDelayMs < policy.baseDelayMs) {
    throw new RangeError('retry delays must satisfy baseDelayMs <= transientMaxDelayMs');
  }
  return policy;
}

/** Resolves after `ms`, or early (without error) when `signal` aborts: stopping must not wait out a backoff. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
