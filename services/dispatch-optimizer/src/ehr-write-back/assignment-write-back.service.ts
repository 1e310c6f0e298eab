import { Inject, Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { OutboxWriter, scopeTransactionToTenant } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { TenantSettingsEntity } from '../settings/tenant-settings.entity';

import {
  type AssignmentInEhr,
  assignmentWriteBackRequestId,
  assignmentWriteBacks,
} from './assignment-write-backs';

import type { PlanVersion } from '../plan/plan.model';

interface AssignmentRow {
  appointment_id: string;
  provider_id: string;
  ehr_practitioner_id: string | null;
  ehr_appointment_id: string;
  booked_ehr_practitioner_id: string;
  requested_practitioner_id: string | null;
  requested_over_practitioner_id: string | null;
}

/**
 * EHR write-back of a stored plan version's assignments, for tenants that switched it on
 * (`ehrWriteBack` in dispatch settings): in the transaction that stores the version, one
 * `AssignmentWriteBackRequestedV1` per appointment whose practitioner must change in the EHR
 * (assignmentWriteBacks decides), and the request remembered so the next version asks again
 * only for what it changes.
 */
@Injectable()
export class AssignmentWriteBackService {
  private readonly logger = new Logger(AssignmentWriteBackService.name);

  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Stages the plan version's write-back requests; returns how many. */
  async requestFor(manager: EntityManager, plan: PlanVersion): Promise<number> {
    await scopeTransactionToTenant(manager, plan.tenantId);
    const settings = await manager.findOneBy(TenantSettingsEntity, { tenantId: plan.tenantId });
    if (!settings?.ehrWriteBack) return 0;
    const assigned = plan.providerDays.flatMap((day) =>
      day.stops.map((stop) => ({ appointmentId: stop.appointmentId, providerId: day.providerId })),
    );
    if (assigned.length === 0) return 0;
    const rows: AssignmentRow[] = await manager.query(
      `SELECT p.appointment_id, p.provider_id, pr.ehr_practitioner_id, a.ehr_appointment_id,
              a.booked_ehr_practitioner_id,
              r.ehr_practitioner_id AS requested_practitioner_id,
              r.booked_ehr_practitioner_id AS requested_over_practitioner_id
         FROM unnest($2::uuid[], $3::text[]) AS p(appointment_id, provider_id)
         JOIN dispatch_appointment a ON a.tenant_id = $1 AND a.appointment_id = p.appointment_id
         LEFT JOIN dispatch_provider pr ON pr.tenant_id = $1 AND pr.provider_id = p.provider_id
         LEFT JOIN dispatch_ehr_assignment_request r
           ON r.tenant_id = $1 AND r.appointment_id = p.appointment_id
        ORDER BY p.appointment_id`,
      [
        plan.tenantId,
        assigned.map((entry) => entry.appointmentId),
        assigned.map((entry) => entry.providerId),
      ],
    );
    const writeBacks = assignmentWriteBacks(rows.map(assignmentOf));
    const now = this.clock.now();
    for (const writeBack of writeBacks) {
      await manager.query(
        `INSERT INTO dispatch_ehr_assignment_request AS r
           (tenant_id, appointment_id, ehr_practitioner_id, booked_ehr_practitioner_id, plan_id,
            plan_version, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, appointment_id) DO UPDATE SET
           ehr_practitioner_id = EXCLUDED.ehr_practitioner_id,
           booked_ehr_practitioner_id = EXCLUDED.booked_ehr_practitioner_id,
           plan_id = EXCLUDED.plan_id, plan_version = EXCLUDED.plan_version,
           requested_at = EXCLUDED.requested_at`,
        [
          plan.tenantId,
          writeBack.appointmentId,
          writeBack.ehrPractitionerId,
          writeBack.bookedEhrPractitionerId,
          plan.planId,
          plan.version,
          now,
        ],
      );
      await this.outbox.append(manager, {
        type: 'AssignmentWriteBackRequestedV1',
        tenantId: plan.tenantId,
        aggregateId: writeBack.appointmentId,
        payload: {
          requestId: assignmentWriteBackRequestId(
            plan.tenantId,
            writeBack.appointmentId,
            plan.planId,
            plan.version,
          ),
          appointmentId: writeBack.appointmentId,
          ehrAppointmentId: writeBack.ehrAppointmentId,
          providerId: writeBack.providerId,
          ehrPractitionerId: writeBack.ehrPractitionerId,
          bookedEhrPractitionerId: writeBack.bookedEhrPractitionerId,
          planId: plan.planId,
          planVersion: plan.version,
        },
      });
    }
    if (writeBacks.length > 0) {
      this.logger.log({
        message: 'EHR write-back requested',
        tenantId: plan.tenantId,
        planId: plan.planId,
        version: plan.version,
        appointments: writeBacks.length,
      });
    }
    return writeBacks.length;
  }
}

function assignmentOf(row: AssignmentRow): AssignmentInEhr {
  return {
    appointmentId: row.appointment_id,
    providerId: row.provider_id,
    ehrPractitionerId: row.ehr_practitioner_id,
    ehrAppointmentId: row.ehr_appointment_id,
    bookedEhrPractitionerId: row.booked_ehr_practitioner_id,
    lastRequest:
      row.requested_practitioner_id === null
        ? null
        : {
            ehrPractitionerId: row.requested_practitioner_id,
            bookedEhrPractitionerId: row.requested_over_practitioner_id ?? '',
          },
  };
}
