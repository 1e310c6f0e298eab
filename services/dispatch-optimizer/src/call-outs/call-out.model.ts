/**
 * A provider calling out (sick, car trouble): the API, and the Slack `/callout` command built by
 * delivery, call `CallOutPort.callOut`. Stability contract as in `plan/plan.model.ts`.
 */
export interface CallOutRequest {
  readonly tenantId: string;
  readonly providerId: string;
  /** ISO-8601 instant; the re-plan freezes at max(now, nothing earlier). */
  readonly from: string;
  /** Omitted: the rest of the current plan's horizon. */
  readonly until: string | null;
  /** Short free text from the provider/coordinator; shown to coordinators only, never to patients. */
  readonly reason: string;
  readonly source: 'api' | 'slack';
  /** Idempotency: the same key twice records one call-out (e.g. Slack `trigger_id`). */
  readonly idempotencyKey: string | null;
}

export interface CallOutOutcome {
  readonly callOutId: string;
  readonly planId: string;
  /** The plan version the re-plan produced. */
  readonly planVersion: number;
  /** Providers who took over visits of the calling-out provider. */
  readonly backupProviderIds: readonly string[];
  /** Appointments moved to another provider. */
  readonly reassignedAppointmentIds: readonly string[];
  /** Appointments nobody can take: the patients get a reschedule event and land in the exceptions queue. */
  readonly rescheduleNeededAppointmentIds: readonly string[];
}

export abstract class CallOutPort {
  abstract callOut(request: CallOutRequest): Promise<CallOutOutcome>;
}
