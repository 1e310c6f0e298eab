/**
 * The appointment state machine, free of I/O: given what scheduling has recorded and what
 * the EHR now says, decide what changes and which event (if any) is published.
 *
 * `revision` counts the events published for an appointment, so a consumer can tell a
 * newer description from an older one without comparing EHR version strings (which are
 * opaque: FHIR versionIds or content hashes, not ordered).
 */

export enum AppointmentStatus {
  Booked = 'booked',
  Cancelled = 'cancelled',
}

/** What the EHR event asserts; booked and rescheduled both mean "active at this time". */
export enum EhrIntent {
  Active = 'active',
  Cancelled = 'cancelled',
}

export interface RecordedAppointment {
  readonly status: AppointmentStatus;
  readonly start: Date;
  readonly end: Date;
  readonly revision: number;
}

export interface EhrAppointmentChange {
  readonly intent: EhrIntent;
  readonly start: Date;
  readonly end: Date;
  /** True when this exact EHR version was already applied (by any earlier event id). */
  readonly versionAlreadyApplied: boolean;
}

export type AppointmentTransition =
  /** Redelivery or replay: nothing changes, nothing is published. */
  | { readonly kind: 'duplicate' }
  /** New EHR version without a schedule change: details refreshed, no event, same revision. */
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

export function decideTransition(
  recorded: RecordedAppointment | undefined,
  change: EhrAppointmentChange,
): AppointmentTransition {
  if (change.versionAlreadyApplied) return { kind: 'duplicate' };

  if (!recorded) {
    // A cancellation for an appointment never seen is still recorded and published, so the
    // scheduling topic reflects every state the system of record holds.
    return change.intent === EhrIntent.Cancelled ? cancel(1) : book(1);
  }

  const next = recorded.revision + 1;
  const refresh = {
    kind: 'refresh',
    status: recorded.status,
    revision: recorded.revision,
  } as const;
  switch (recorded.status) {
    case AppointmentStatus.Cancelled:
      // FHIR lets an appointment go from cancelled back to booked: that is a new booking.
      return change.intent === EhrIntent.Active ? book(next) : refresh;
    case AppointmentStatus.Booked:
      if (change.intent === EhrIntent.Cancelled) return cancel(next);
      // End matters too: dispatch plans provider time with it.
      if (sameInstant(recorded.start, change.start) && sameInstant(recorded.end, change.end)) {
        return refresh;
      }
      return {
        kind: 'reschedule',
        status: AppointmentStatus.Booked,
        revision: next,
        previousStart: recorded.start,
        previousEnd: recorded.end,
      };
  }
}

function book(revision: number): AppointmentTransition {
  return { kind: 'book', status: AppointmentStatus.Booked, revision };
}

function cancel(revision: number): AppointmentTransition {
  return { kind: 'cancel', status: AppointmentStatus.Cancelled, revision };
}

function sameInstant(a: Date, b: Date): boolean {
  return a.getTime() === b.getTime();
}
