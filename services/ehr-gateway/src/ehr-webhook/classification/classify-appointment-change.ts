import { type AppointmentLifecycle } from '../fhir/normalize-appointment';

/** What the gateway remembers about an appointment between deliveries. */
export interface AppointmentStateSnapshot {
  readonly version: string;
  readonly lifecycle: Exclude<AppointmentLifecycle, 'untracked'>;
  readonly start: Date;
  readonly end: Date;
  readonly sourceUpdatedAt: Date | undefined;
}

/** The parts of an incoming delivery the state table looks at. */
export interface IncomingAppointmentVersion {
  readonly version: string;
  readonly lifecycle: AppointmentLifecycle;
  readonly start: Date;
  readonly end: Date;
  readonly sourceUpdatedAt: Date | undefined;
}

/** Why an accepted delivery publishes nothing; returned to the EHR so operators can tell. */
export enum IgnoredReason {
  /** A status the gateway does not act on (proposed, arrived, fulfilled, ...). */
  StatusNotTracked = 'STATUS_NOT_TRACKED',
  /** A new version whose start/end did not move (e.g. a note was edited). */
  NoScheduleChange = 'NO_SCHEDULE_CHANGE',
  /** Older than the version already seen (`meta.lastUpdated`): a late retry. */
  OutOfOrder = 'OUT_OF_ORDER',
  /** A further edit to an appointment that is already cancelled. */
  AlreadyCancelled = 'ALREADY_CANCELLED',
}

export type AppointmentChange =
  | { readonly kind: 'booked' }
  | { readonly kind: 'rescheduled'; readonly previousStart: Date; readonly previousEnd: Date }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'ignored'; readonly reason: IgnoredReason };

export interface Classification {
  readonly change: AppointmentChange;
  /** The state to store; undefined leaves the stored state as it is. */
  readonly nextState: AppointmentStateSnapshot | undefined;
}

/**
 * The per-appointment state table. Rows: what we knew (nothing / active / cancelled);
 * columns: what arrived. Only transitions a patient would notice publish an event.
 *
 * | known \ incoming | same version | untracked status | active                           | cancelled          |
 * |------------------|--------------|------------------|----------------------------------|--------------------|
 * | nothing          | —            | ignored          | booked                           | cancelled          |
 * | active           | duplicate    | ignored          | rescheduled if start/end moved,  | cancelled          |
 * |                  |              |                  | else ignored (no schedule change)|                    |
 * | cancelled        | duplicate    | ignored          | booked (reinstated)              | ignored (already)  |
 *
 * A delivery whose `meta.lastUpdated` is older than the stored one is ignored (out of order)
 * so a late retry cannot undo a newer change. A first-sight cancellation is published so
 * downstream services learn of it even if the booking webhook was lost.
 */
export function classifyAppointmentChange(
  known: AppointmentStateSnapshot | undefined,
  incoming: IncomingAppointmentVersion,
): Classification {
  if (known && known.version === incoming.version) return unchanged({ kind: 'duplicate' });
  if (incoming.lifecycle === 'untracked') return ignored(IgnoredReason.StatusNotTracked);
  if (known && isOlder(incoming.sourceUpdatedAt, known.sourceUpdatedAt)) {
    return ignored(IgnoredReason.OutOfOrder);
  }
  const nextState: AppointmentStateSnapshot = {
    version: incoming.version,
    lifecycle: incoming.lifecycle,
    start: incoming.start,
    end: incoming.end,
    sourceUpdatedAt: incoming.sourceUpdatedAt ?? known?.sourceUpdatedAt,
  };

  if (incoming.lifecycle === 'cancelled') {
    return known?.lifecycle === 'cancelled'
      ? { change: { kind: 'ignored', reason: IgnoredReason.AlreadyCancelled }, nextState }
      : { change: { kind: 'cancelled' }, nextState };
  }
  if (!known || known.lifecycle === 'cancelled') return { change: { kind: 'booked' }, nextState };
  if (sameInstant(known.start, incoming.start) && sameInstant(known.end, incoming.end)) {
    return { change: { kind: 'ignored', reason: IgnoredReason.NoScheduleChange }, nextState };
  }
  return {
    change: { kind: 'rescheduled', previousStart: known.start, previousEnd: known.end },
    nextState,
  };
}

function unchanged(change: AppointmentChange): Classification {
  return { change, nextState: undefined };
}

function ignored(reason: IgnoredReason): Classification {
  return unchanged({ kind: 'ignored', reason });
}

function isOlder(incoming: Date | undefined, known: Date | undefined): boolean {
  return incoming !== undefined && known !== undefined && incoming.getTime() < known.getTime();
}

function sameInstant(a: Date, b: Date): boolean {
  return a.getTime() === b.getTime();
}
