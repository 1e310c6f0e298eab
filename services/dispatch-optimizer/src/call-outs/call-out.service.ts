import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';
import { ExceptionsService } from '../exceptions/exceptions.service';
import { PlanEvents } from '../plan/plan-events';
import { PlanRepository } from '../plan/plan.repository';
import { PlannerService } from '../plan/planner.service';
import { localDay, localInstant } from '../plan/problem-builder';
import { RosterRepository } from '../roster/roster.repository';
import { asTenant } from '../tenancy';

import { CallOutEntity } from './call-out.entity';
import { type CallOutOutcome, CallOutPort, type CallOutRequest } from './call-out.model';

/**
 * A provider calling out: re-plan the plan covering `from` with the provider unavailable and a
 * freeze at now (visits already started never move), name the backup providers, announce the
 * patients nobody can see (`dispatch.reschedule.v1` + exceptions queue) and record one call-out
 * summary for coordinators. Without `until` the provider is out for the rest of that practice day.
 */
@Injectable()
export class CallOutService extends CallOutPort {
  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: PlannerService,
    private readonly plans: PlanRepository,
    private readonly events: PlanEvents,
    private readonly roster: RosterRepository,
    private readonly exceptions: ExceptionsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async callOut(request: CallOutRequest): Promise<CallOutOutcome> {
    if (request.idempotencyKey) {
      const { idempotencyKey } = request;
      const earlier = await asTenant(this.dataSource, request.tenantId, (manager) =>
        manager.findOneBy(CallOutEntity, { tenantId: request.tenantId, idempotencyKey }),
      );
      if (earlier) return earlier.outcome;
    }
    const provider = await this.roster.provider(request.tenantId, request.providerId);
    if (!provider)
      throw new DispatchError(DispatchErrorCode.ProviderNotFound, 'Provider not found');
    const from = new Date(request.from);
    const planId = await this.plans.planIdCovering(request.tenantId, from);
    if (!planId)
      throw new DispatchError(DispatchErrorCode.NoCurrentPlan, 'No plan covers that time');

    return this.planner.exclusive(request.tenantId, async () => {
      const stored = await this.plans.latest(request.tenantId, planId);
      if (!stored)
        throw new DispatchError(DispatchErrorCode.NoCurrentPlan, 'No plan covers that time');
      const { inputs } = stored;
      const origin = new Date(inputs.origin).getTime();
      const until = request.until ? new Date(request.until) : nextMidnight(from, inputs.timeZone);
      const callOutId = randomUUID();
      await this.planner.revise(
        stored.plan,
        inputs,
        [
          {
            kind: 'provider-unavailable',
            providerId: request.providerId,
            from: Math.max(0, Math.round((from.getTime() - origin) / 1000)),
            until: Math.round((until.getTime() - origin) / 1000),
          },
        ],
        { kind: 'call-out', callOutId, providerId: request.providerId },
        (result, next) => ({
          callOutId,
          planId: next.planId,
          planVersion: next.version,
          backupProviderIds: [
            ...new Set(
              result.changedAssignments
                .filter(
                  (change) => change.fromProviderId === request.providerId && change.toProviderId,
                )
                .map((change) => change.toProviderId as string),
            ),
          ].sort(),
          reassignedAppointmentIds: result.changedAssignments
            .filter((change) => change.toProviderId !== null)
            .map((change) => change.appointmentId)
            .sort(),
          rescheduleNeededAppointmentIds: result.noLongerServed
            .map((entry) => entry.appointmentId)
            .sort(),
        }),
        async (manager, next, result) => {
          const outcome = {
            callOutId,
            planId: next.planId,
            planVersion: next.version,
            backupProviderIds: [] as string[],
            reassignedAppointmentIds: [] as string[],
            rescheduleNeededAppointmentIds: result.noLongerServed
              .map((entry) => entry.appointmentId)
              .sort(),
          };
          for (const entry of result.noLongerServed) {
            const meta = inputs.appointments[entry.appointmentId];
            await this.events.rescheduleNeeded(
              manager,
              next,
              { appointmentId: entry.appointmentId, requestedStart: meta.requestedStart },
              callOutId,
            );
          }
          await this.exceptions.reportMany(
            [
              ...result.noLongerServed.map((entry) => ({
                tenantId: request.tenantId,
                kind: 'patient-reschedule-needed' as const,
                reason: entry.reason,
                dedupeKey: `reschedule:${callOutId}:${entry.appointmentId}`,
                planId: next.planId,
                planVersion: next.version,
                appointmentId: entry.appointmentId,
                providerId: entry.previousProviderId,
                detail: {
                  patientDisplayName: inputs.appointments[entry.appointmentId].patientDisplayName,
                  requestedStart: inputs.appointments[entry.appointmentId].requestedStart,
                },
              })),
              {
                tenantId: request.tenantId,
                kind: 'call-out',
                reason: request.source,
                dedupeKey: `call-out:${callOutId}`,
                planId: next.planId,
                planVersion: next.version,
                providerId: request.providerId,
                detail: {
                  from: from.toISOString(),
                  until: until.toISOString(),
                  reassigned: result.changedAssignments.filter((c) => c.toProviderId !== null)
                    .length,
                  rescheduleNeeded: outcome.rescheduleNeededAppointmentIds.length,
                },
              },
            ],
            manager,
          );
          await manager.insert(CallOutEntity, {
            callOutId,
            tenantId: request.tenantId,
            providerId: request.providerId,
            fromAt: from,
            untilAt: request.until ? until : null,
            reason: request.reason,
            source: request.source,
            idempotencyKey: request.idempotencyKey,
            outcome: {
              ...outcome,
              backupProviderIds: [
                ...new Set(
                  result.changedAssignments
                    .filter((c) => c.fromProviderId === request.providerId && c.toProviderId)
                    .map((c) => c.toProviderId as string),
                ),
              ].sort(),
              reassignedAppointmentIds: result.changedAssignments
                .filter((c) => c.toProviderId !== null)
                .map((c) => c.appointmentId)
                .sort(),
            },
            createdAt: this.clock.now(),
          });
        },
      );
      const recorded = await asTenant(this.dataSource, request.tenantId, (manager) =>
        manager.findOneByOrFail(CallOutEntity, { callOutId }),
      );
      return recorded.outcome;
    });
  }
}

function nextMidnight(instant: Date, timeZone: string): Date {
  const day = localDay(instant, timeZone);
  const next = new Date(localInstant(day, '00:00', timeZone).getTime() + 36 * 3600_000);
  return localInstant(localDay(next, timeZone), '00:00', timeZone);
}
