import { Injectable } from '@nestjs/common';

/** A probe answers up/down, or down with a reason (ids and error classes only, never PHI). */
export type ReadinessResult = boolean | { readonly ready: boolean; readonly reason?: string };
export type ReadinessCheck = () => Promise<ReadinessResult> | ReadinessResult;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, 'up' | 'down'>;
  /** Why each down check is down, when its probe said. */
  readonly reasons: Record<string, string>;
}

/**
 * Components (database, Kafka producer/consumers, outbox relay) register a probe here;
 * /health/ready is green only when every probe is.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async evaluate(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          const result = await check();
          return typeof result === 'boolean'
            ? { name, up: result, reason: undefined }
            : { name, up: result.ready, reason: result.ready ? undefined : result.reason };
        } catch {
          return { name, up: false, reason: undefined };
        }
      }),
    );
    const checks = Object.fromEntries(
      entries.map(({ name, up }) => [name, up ? ('up' as const) : ('down' as const)]),
    );
    const reasons = Object.fromEntries(
      entries.flatMap(({ name, reason }) => (reason === undefined ? [] : [[name, reason]])),
    );
    return { ready: entries.every(({ up }) => up), checks, reasons };
  }
}
