import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  causedBy,
  type EventEnvelope,
  type EventPayload,
  timestampDate,
  timestampFromDate,
} from '@caredispatch/contracts';
import { OutboxWriter, PermanentEventError } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { DirectoryRepository } from '../directory/directory.repository';

import { AppointmentEhrVersionEntity } from './appointment-ehr-version.entity';
import {
  type AppointmentTransition,
  applyEhrChange,
  EhrChangeKind,
  type TransitionKind,
} from './appointment-transition';
import { AppointmentEntity } from './appointment.entity';
import { toScheduledAppointment } from './scheduled-appointment.mapper';

type EhrAppointmentEventType =
  'EhrAppointmentBookedV1' | 'EhrAppointmentRescheduledV1' | 'EhrAppointmentCancelledV1';

/** A decoded EHR appointment event; `eventType` discriminates `event`. */
export type EhrAppointmentEvent = {
  [K in EhrAppointmentEventType]: {
    readonly eventType: K;
    readonly event: EventPayload<K>;
    readonly envelope: EventEnvelope;
  };
}[EhrAppointmentEventType];

/**
 * Applies an EHR appointment event to the system of record and, in the same transaction,
 * queues the resulting scheduling event in the outbox: either both happen or neither.
 */
@Injectable()
export class AppointmentSyncService {
  private readonly logger = new Logger(AppointmentSyncService.name);

  constructor(
    private readonly directory: DirectoryRepository,
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async applyEhrEvent(manager: EntityManager, event: EhrAppointmentEvent): Promise<TransitionKind> {
    const { envelope } = event;
    const tenantId = envelope.tenantId;
    // The contract validation guarantees appointment, patient, location and the interval.
    const ehr = required(event.event.appointment);
    const start = timestampDate(required(ehr.start));
    const end = timestampDate(required(ehr.end));

    // Row lock: two deliveries for the same appointment (e.g. a redelivery racing a newer
    // version on another consumer instance) are applied one after the other, never interleaved.
    const recorded = await manager.findOne(AppointmentEntity, {
      where: { tenantId, ehrAppointmentId: ehr.ehrAppointmentId },
      lock: { mode: 'pessimistic_write' },
    });
    const transition = applyEhrChange(
      recorded
        ? {
            status: recorded.status,
            start: recorded.startAt,
            end: recorded.endAt,
            revision: recorded.revision,
            ehrSequence: recorded.ehrSequence,
          }
        : undefined,
      { kind: changeKindOf(event), sequence: ehr.sequence },
    );
    if (transition.kind === 'stale') {
      this.logger.log(
        { tenantId, eventId: envelope.eventId, transition: transition.kind },
        'ehr change already applied or older than the recorded one',
      );
      return transition.kind;
    }

    const now = this.clock.now();
    const refs = await this.directory.upsertFromEhr(
      manager,
      tenantId,
      {
        patient: required(ehr.patient),
        practitioner: ehr.practitioner,
        location: required(ehr.location),
      },
      now,
    );
    const appointment = Object.assign(recorded ?? new AppointmentEntity(), {
      id: recorded?.id ?? randomUUID(),
      tenantId,
      ehrAppointmentId: ehr.ehrAppointmentId,
      sourceSystem: ehr.sourceSystem,
      ehrVersion: ehr.ehrVersion,
      ehrSequence: ehr.sequence,
      status: transition.status,
      startAt: start,
      endAt: end,
      revision: transition.revision,
      patientId: refs.patient.id,
      providerId: refs.provider?.id ?? null,
      locationId: refs.location.id,
      practiceName: ehr.practiceName,
      appointmentTypeCode: ehr.appointmentTypeCode,
      cancellationReasonCode:
        event.eventType === 'EhrAppointmentCancelledV1' ? event.event.cancellationReasonCode : null,
      createdAt: recorded?.createdAt ?? now,
      updatedAt: now,
    });
    // insert/update rather than save(): save() would first SELECT the row it already holds.
    if (recorded) await manager.update(AppointmentEntity, { id: appointment.id }, appointment);
    else await manager.insert(AppointmentEntity, appointment);
    // History of applied versions, for tracing a change back to its cause; ordering is
    // decided by the sequence above, never by this table.
    await manager
      .createQueryBuilder()
      .insert()
      .into(AppointmentEhrVersionEntity)
      .values({
        tenantId,
        appointmentId: appointment.id,
        ehrVersion: ehr.ehrVersion,
        appliedByEventId: envelope.eventId,
        appliedAt: now,
      })
      .orIgnore()
      .execute();
    await this.publish(
      manager,
      transition,
      appointment,
      toScheduledAppointment(appointment, refs),
      event,
    );
    this.logger.log(
      {
        tenantId,
        eventId: envelope.eventId,
        appointmentId: appointment.id,
        transition: transition.kind,
        revision: appointment.revision,
      },
      'appointment updated from ehr',
    );
    return transition.kind;
  }

  private async publish(
    manager: EntityManager,
    transition: Exclude<AppointmentTransition, { kind: 'stale' }>,
    appointment: AppointmentEntity,
    scheduled: ReturnType<typeof toScheduledAppointment>,
    cause: EhrAppointmentEvent,
  ): Promise<void> {
    const common = {
      tenantId: appointment.tenantId,
      aggregateId: appointment.id,
      ...causedBy(cause.envelope),
    };
    switch (transition.kind) {
      case 'refresh':
        return;
      case 'book':
        await this.outbox.append(manager, {
          ...common,
          type: 'AppointmentBookedV1',
          payload: { appointment: scheduled },
        });
        return;
      case 'reschedule':
        await this.outbox.append(manager, {
          ...common,
          type: 'AppointmentRescheduledV1',
          payload: {
            appointment: scheduled,
            previousStart: timestampFromDate(transition.previousStart),
            previousEnd: timestampFromDate(transition.previousEnd),
          },
        });
        return;
      case 'cancel':
        await this.outbox.append(manager, {
          ...common,
          type: 'AppointmentCancelledV1',
          payload: { appointment: scheduled, reasonCode: appointment.cancellationReasonCode ?? '' },
        });
        return;
    }
  }
}

function changeKindOf(event: EhrAppointmentEvent): EhrChangeKind {
  switch (event.eventType) {
    case 'EhrAppointmentBookedV1':
      return EhrChangeKind.Booked;
    case 'EhrAppointmentRescheduledV1':
      return EhrChangeKind.Rescheduled;
    case 'EhrAppointmentCancelledV1':
      return EhrChangeKind.Cancelled;
  }
}

/** Fields proto3 cannot mark required but the contract validation already checked. */
function required<T>(value: T | undefined): T {
  if (value === undefined)
    throw new PermanentEventError('CONTRACT_VIOLATION', 'contract-validated field missing');
  return value;
}
