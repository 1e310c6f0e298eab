import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean> | boolean;

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

  async evaluate(): Promise<{ ready: boolean; checks: Record<string, 'up' | 'down'> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          return [name, (await check()) ? 'up' : 'down'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, state]) => state === 'up'), checks };
  }
}
