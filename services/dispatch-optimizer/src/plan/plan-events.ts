import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  PlanChangeKind,
  PlanKind as ContractPlanKind,
  RescheduleReason,
  timestampFromDate,
} from '@caredispatch/contracts';
import { OutboxWriter, scopeTransactionToTenant } from '@caredispatch/kafka';

import type { CallOutOutcome } from '../call-outs/call-out.model';
import type { PlanChangeCause, PlanKind, PlanVersion, ProviderDayKey } from './plan.model';

const KIND: Record<PlanKind, ContractPlanKind> = {
  weekly: ContractPlanKind.WEEKLY,
  nightly: ContractPlanKind.NIGHTLY,
  'on-demand': ContractPlanKind.ON_DEMAND,
  replan: ContractPlanKind.REPLAN,
};

const CHANGE: Record<PlanChangeCause['kind'], PlanChangeKind> = {
  'appointment-added': PlanChangeKind.APPOINTMENT_ADDED,
  'appointment-moved': PlanChangeKind.APPOINTMENT_MOVED,
  'appointment-cancelled': PlanChangeKind.APPOINTMENT_CANCELLED,
  'call-out': PlanChangeKind.CALL_OUT,
};

/** Stages dispatch events in the caller's transaction (published iff it commits). Ids only. */
@Injectable()
export class PlanEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async planPublished(
    manager: EntityManager,
    plan: PlanVersion,
    providerDays: readonly ProviderDayKey[],
    callOut: CallOutOutcome | null,
  ): Promise<void> {
    const cause = plan.cause;
    // dispatch's own tables are not under row-level security yet; the outbox is, and a plan
    // or delivery transaction may come from a cross-tenant loop: scope it to the event's tenant.
    await scopeTransactionToTenant(manager, plan.tenantId);
    await this.outbox.append(manager, {
      type: 'DispatchPlanPublishedV1',
      tenantId: plan.tenantId,
      aggregateId: plan.planId,
      payload: {
        planId: plan.planId,
        version: plan.version,
        kind: KIND[plan.kind],
        previousVersion: plan.basedOnVersion ?? 0,
        horizonFrom: timestampFromDate(new Date(plan.horizon.from)),
        horizonUntil: timestampFromDate(new Date(plan.horizon.until)),
        timeZone: plan.horizon.timeZone,
        change: cause
          ? {
              kind: CHANGE[cause.kind],
              appointmentId: 'appointmentId' in cause ? cause.appointmentId : '',
              callOutId: cause.kind === 'call-out' ? cause.callOutId : '',
              providerId: cause.kind === 'call-out' ? cause.providerId : '',
            }
          : undefined,
        providerDays: providerDays.map((key) => ({ providerId: key.providerId, day: key.day })),
        assignments: plan.providerDays.flatMap((day) =>
          day.stops.map((stop) => ({
            appointmentId: stop.appointmentId,
            providerId: day.providerId,
            start: timestampFromDate(new Date(stop.start)),
            end: timestampFromDate(new Date(stop.end)),
          })),
        ),
        unservedAppointmentIds: plan.unserved.map((entry) => entry.appointmentId),
        travel: {
          source: plan.travel.source,
          fallback: plan.travel.fallback,
          cacheHits: plan.travel.cacheHits,
          billedElements: plan.travel.billedElements,
        },
        callOut: callOut
          ? {
              callOutId: callOut.callOutId,
              providerId: cause?.kind === 'call-out' ? cause.providerId : '',
              backupProviderIds: [...callOut.backupProviderIds],
              reassignedAppointmentIds: [...callOut.reassignedAppointmentIds],
              rescheduleNeededAppointmentIds: [...callOut.rescheduleNeededAppointmentIds],
            }
          : undefined,
      },
    });
  }

  async rescheduleNeeded(
    manager: EntityManager,
    plan: PlanVersion,
    appointment: { appointmentId: string; requestedStart: string },
    callOutId: string | null,
  ): Promise<void> {
    await scopeTransactionToTenant(manager, plan.tenantId);
    await this.outbox.append(manager, {
      type: 'PatientRescheduleNeededV1',
      tenantId: plan.tenantId,
      aggregateId: appointment.appointmentId,
      payload: {
        appointmentId: appointment.appointmentId,
        appointmentStart: timestampFromDate(new Date(appointment.requestedStart)),
        reason: callOutId
          ? RescheduleReason.PROVIDER_CALLED_OUT
          : RescheduleReason.NO_PROVIDER_AVAILABLE,
        planId: plan.planId,
        planVersion: plan.version,
        callOutId: callOutId ?? '',
      },
    });
  }
}
