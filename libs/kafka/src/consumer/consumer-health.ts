import type { FailureClass } from './failure-class';

/** A partition whose next message keeps failing: it waits (in order) until the message succeeds. */
export interface StalledPartition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Undefined while the message cannot be decoded. */
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  readonly attempt: number;
  readonly failureClass: FailureClass;
  /** Classification rule, e.g. `sqlstate:57P01` or `unknown` (a bug until proven otherwise). */
  readonly rule: string;
  /** `Name[code]` of the last error: never its message, which can quote PHI. */
  readonly error: string;
  readonly since: Date;
}

export interface ConsumerHealth {
  readonly ready: boolean;
  /** Why not ready; ids and error classes only. */
  readonly reason: string | undefined;
  readonly stalled: readonly StalledPartition[];
}

export interface ConsumerCounters {
  /** Messages sent to `<topic>.dlq`, by original topic. */
  readonly deadLettered: ReadonlyMap<string, number>;
  /** Failed attempts retried, by original topic and failure class. */
  readonly retried: ReadonlyMap<string, Readonly<Record<FailureClass, number>>>;
}

/**
 * One line for /health/ready, e.g.
 * `stalled scheduling.appointment.v1[2]@41 event 7f… (AppointmentBookedV1) attempt 9: sqlstate:57P01 QueryFailedError[57P01] since 2026-…`.
 */
export function describeStalls(stalled: readonly StalledPartition[]): string | undefined {
  if (stalled.length === 0) return undefined;
  return stalled
    .map(
      (stall) =>
        `stalled ${stall.topic}[${stall.partition}]@${stall.offset}` +
        (stall.eventId ? ` event ${stall.eventId} (${stall.eventType ?? '?'})` : ' (undecodable)') +
        ` attempt ${stall.attempt}: ${stall.failureClass} ${stall.rule} ${stall.error}` +
        ` since ${stall.since.toISOString()}`,
    )
    .join('; ');
}
