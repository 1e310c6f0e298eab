/**
 * How itinerary delivery is requested. The planner stores a plan version and, in the same
 * transaction, writes a `DispatchPlanPublishedV1` event (topic `dispatch.plan.v1`) to the outbox.
 * Delivery consumes that topic with the inbox (durable, idempotent per plan version), turns the
 * decoded event into a `PlanPublished` with `planPublishedFromEvent` and reads the stored version
 * through `PlanReader`. The event carries ids only (no patient data).
 */
import type { CallOutOutcome } from '../call-outs/call-out.model';
import type { PlanChangeCause, PlanKind, PlanVersion, ProviderDayKey } from './plan.model';

export interface PlanPublished {
  readonly tenantId: string;
  readonly planId: string;
  readonly version: number;
  readonly kind: PlanKind;
  /** The version this one revises (null for version 1). */
  readonly previousVersion: number | null;
  readonly cause: PlanChangeCause | null;
  /**
   * Version 1: every rostered provider-day (empty days included). Later versions: `changedProviderDays(previous, this)`;
   * delivery sends deltas for these only.
   */
  readonly providerDays: readonly ProviderDayKey[];
  /** Set for a re-plan caused by a call-out: backup providers to notify, patients affected. */
  readonly callOut: CallOutOutcome | null;
}

/** Read access to stored plan versions (implemented by the plan module). */
export abstract class PlanReader {
  abstract version(tenantId: string, planId: string, version: number): Promise<PlanVersion | null>;
  /** The newest version of the newest plan covering `day` for the tenant, if any. */
  abstract currentForDay(tenantId: string, day: string): Promise<PlanVersion | null>;
}
