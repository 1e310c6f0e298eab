/**
 * How scheduling applies an EHR appointment change to its record, free of I/O.
 *
 * ehr-gateway owns the appointment state machine: it alone decides whether an EHR change is
 * a booking, a reschedule or a cancellation (`classify-appointment-change.ts`), and numbers
 * the changes of each appointment with a strictly increasing `sequence`. Scheduling does not
 * decide again (no comparison of times here); it applies changes in sequence order — an
 * event whose sequence is not above the recorded one is a replay, a redelivery or stale,
 * and changes nothing — and maps the change onto what it has recorded, which can lag
 * behind when an earlier change was dead-lettered.
 *
 * `revision` counts the events scheduling publishes for an appointment, so its consumers
 * can order scheduling's own events the same way.
 */

export enum AppointmentStatus {
  Booked = 'booked',
  Cancelled = 'cancelled',
}

/** The change ehr-gateway classified, i.e. the `ehr.appointment.v1` event type. */
export enum EhrChangeKind {
  Booked = 'booked',
  Rescheduled = 'rescheduled',
  Cancelled = 'cancelled',
}

export interface RecordedAppointment {
  readonly status: AppointmentStatus;
  readonly start: Date;
  readonly end: Date;
  readonly revision: number;
  /** Sequence of the last EHR change applied; 0 when none was sequenced. */
  readonly ehrSequence: number;
}

export interface EhrAppointmentChange {
  readonly kind: EhrChangeKind;
  /** ehr-gateway's per-appointment order; 0 = unsequenced (an older gateway). */
  readonly sequence: number;
}

export type AppointmentTransition =
  /** Replay, redelivery or older than what is recorded: nothing changes, nothing is published. */
  | { readonly kind: 'stale' }
  /** A further cancellation of a cancelled appointment: details refreshed, no event. */
  | { readonly kind: 'refresh'; readonly status: AppointmentStatus; readonly revision: number }
  | { readonly kind: 'book'; readonly status: AppointmentStatus.Booked; readonly revision: number }
  | {
      readonly kind: 'reschedule';
      readonly status: AppointmentStatus.Booked;
      readonly revision: number;
      readonly previousStart: Date;
      readonly previousEnd: Date;
    }
  | {
      readonly kind: 'cancel';
      readonly status: AppointmentStatus.Cancelled;
      readonly revision: number;
    };

export type TransitionKind = AppointmentTransition['kind'];

/**
 * Never moves an appointment backwards: only a change with a higher sequence than the one
 * recorded applies. Unsequenced changes (0) can therefore only create an appointment.
 */
export function applyEhrChange(
  recorded: RecordedAppointment | undefined,
  change: EhrAppointmentChange,
): AppointmentTransition {
  if (!recorded) {
    // A cancellation for an appointment never seen is still recorded and published, so the
    // scheduling topic reflects every state the system of record holds.
    return change.kind === EhrChangeKind.Cancelled ? cancel(1) : book(1);
  }
  if (change.sequence <= recorded.ehrSequence) return { kind: 'stale' };

  const next = recorded.revision + 1;
  switch (change.kind) {
    case EhrChangeKind.Cancelled:
      return recorded.status === AppointmentStatus.Cancelled
        ? { kind: 'refresh', status: AppointmentStatus.Cancelled, revision: recorded.revision }
        : cancel(next);
    case EhrChangeKind.Booked:
      return book(next);
    case EhrChangeKind.Rescheduled:
      // Previous times are what scheduling told the patient, not what the gateway last saw:
      // they differ when a change in between was dead-lettered.
      return recorded.status === AppointmentStatus.Booked
        ? {
            kind: 'reschedule',
            status: AppointmentStatus.Booked,
            revision: next,
            previousStart: recorded.start,
            previousEnd: recorded.end,
          }
        : book(next);
  }
}

function book(revision: number): AppointmentTransition {
  return { kind: 'book', status: AppointmentStatus.Booked, revision };
}

function cancel(revision: number): AppointmentTransition {
  return { kind: 'cancel', status: AppointmentStatus.Cancelled, revision };
}
