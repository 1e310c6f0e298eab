/**
 * The coordinators' exceptions queue. Stability contract as in `plan/plan.model.ts`.
 * `detail` never holds PHI beyond the minimum-necessary patient display name, and is stored
 * encrypted (phi/dispatch-phi.ts).
 */
export const DISPATCH_EXCEPTION_KINDS = [
  /** An appointment no plan could serve; `reason` is a `PlanUnservedReason`. */
  'unserved',
  /** A home-visit address that could not be geocoded. */
  'address-not-geocoded',
  /** A plan used great-circle estimates instead of Maps travel times. */
  'travel-time-fallback',
  /** A provider called out; one per call-out, with the re-plan's outcome. */
  'call-out',
  /** A patient who can no longer be seen after a re-plan and must be rescheduled. */
  'patient-reschedule-needed',
  /** An itinerary or escalation that could not be delivered (reported by delivery). */
  'delivery-failed',
  /**
   * ehr-gateway could not write a plan's reassignment back to the EHR; `reason` is the
   * WriteBackFailureReason's name (SUPERSEDED_BY_STAFF: staff chose another practitioner).
   */
  'ehr-write-back-failed',
  /** Anything else a coordinator must resolve (e.g. conflicting roster data). */
  'conflict',
  /**
   * A freed slot the waitlist could not fill (`reason`: NO_ELIGIBLE_PATIENT,
   * ALL_OFFERS_DECLINED_OR_EXPIRED, STARTS_SOON, BOOKING_FAILED); one per slot.
   */
  'waitlist-slot-unfilled',
] as const;
export type DispatchExceptionKind = (typeof DISPATCH_EXCEPTION_KINDS)[number];

export interface DispatchExceptionInput {
  readonly tenantId: string;
  readonly kind: DispatchExceptionKind;
  /** Machine-readable code, e.g. `NO_CREDENTIALED_PROVIDER`, `slack:channel_not_found`. */
  readonly reason: string;
  readonly planId?: string | null;
  readonly planVersion?: number | null;
  readonly appointmentId?: string | null;
  readonly providerId?: string | null;
  /**
   * Same key reported twice → one open exception (idempotent reporting), e.g.
   * `delivery:<planId>:<version>:<providerId>:<day>`.
   */
  readonly dedupeKey: string;
  /** Small JSON for the coordinator view. */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface DispatchException extends Required<DispatchExceptionInput> {
  readonly exceptionId: string;
  readonly status: 'open' | 'resolved';
  readonly createdAt: string;
  readonly resolvedAt: string | null;
}

/** How other modules (delivery included) add to the queue. Idempotent per `dedupeKey`. */
export abstract class DispatchExceptionReporter {
  abstract report(exception: DispatchExceptionInput): Promise<void>;
}
