import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { FreedSlotService } from '../slots/freed-slot.service';
import { entryNotFound } from '../waitlist.errors';

import { type WaitlistEntryBody } from './dto/waitlist-entry.schemas';
import { type ContactChannel, WaitlistEntryEntity } from './waitlist-entry.entity';

const URGENCY_ORDER = { routine: 1, soon: 2, urgent: 3 } as const;

export interface EntryView {
  readonly id: string;
  readonly patientId: string;
  readonly ehrPatientId: string | null;
  readonly appointmentTypeCode: string;
  readonly status: WaitlistEntryEntity['status'];
  readonly urgency: WaitlistEntryEntity['urgency'];
  readonly earliestDate: string;
  readonly latestDate: string;
  readonly providerIds: readonly string[];
  readonly locationIds: readonly string[];
  readonly weekdays: readonly number[];
  readonly timesOfDay: WaitlistEntryEntity['timesOfDay'];
  readonly channels: readonly string[];
  readonly declines: number;
  readonly waitingSince: string;
  /** The visit the patient keeps ("Ask for an earlier time"): a fill moves it. Null otherwise. */
  readonly replacesAppointmentId: string | null;
}

/** A patient's "Ask for an earlier time" (messaging's PatientRequestedEarlierTimeV1), validated. */
export interface EarlierTimeRequest {
  readonly patientId: string;
  readonly appointmentTypeCode: string;
  /** The kept visit (scheduling's uuid), the EHR's id for it and scheduling's revision then. */
  readonly appointmentId: string;
  readonly ehrAppointmentId: string;
  readonly appointmentRevision: number;
  readonly providerIds: readonly string[];
  readonly locationIds: readonly string[];
  readonly earliestDate: string;
  readonly latestDate: string;
  readonly channels: readonly ContactChannel[];
}

@Injectable()
export class WaitlistEntryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly slots: FreedSlotService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Adds the patient, or merges into their open entry for the same type: the newest
   * preferences apply, the higher urgency is kept and waiting time counts from the first request.
   */
  async addOrMerge(
    tenantId: string,
    body: WaitlistEntryBody,
  ): Promise<{ entry: EntryView; merged: boolean }> {
    return inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      const now = this.clock.now();
      const existing = await manager.findOne(WaitlistEntryEntity, {
        where: {
          tenantId,
          patientId: body.patientId,
          appointmentTypeCode: body.appointmentTypeCode,
          status: 'open',
        },
        lock: { mode: 'pessimistic_write' },
      });
      const preferences = {
        providerIds: body.providerIds,
        locationIds: body.locationIds,
        earliestDate: body.earliestDate,
        latestDate: body.latestDate,
        weekdays: [...new Set(body.weekdays)].sort(),
        timesOfDay: body.timesOfDay,
        channels: [...new Set(body.channels)],
        homeLat: body.home?.lat ?? null,
        homeLng: body.home?.lng ?? null,
        updatedAt: now,
      };
      if (existing !== null) {
        const urgency =
          URGENCY_ORDER[body.urgency] > URGENCY_ORDER[existing.urgency]
            ? body.urgency
            : existing.urgency;
        // A merge without an EHR id keeps the one recorded before.
        const ehrPatientId = body.ehrPatientId ?? existing.ehrPatientId;
        Object.assign(existing, preferences, { urgency, ehrPatientId });
        await manager.save(existing);
        return { entry: viewOf(existing), merged: true };
      }
      const entry = Object.assign(new WaitlistEntryEntity(), preferences, {
        id: randomUUID(),
        tenantId,
        patientId: body.patientId,
        ehrPatientId: body.ehrPatientId ?? null,
        appointmentTypeCode: body.appointmentTypeCode,
        urgency: body.urgency,
        status: 'open' as const,
        declines: 0,
        waitingSince: now,
        createdAt: now,
        closedAt: null,
        replacesAppointmentId: null,
      });
      await manager.insert(WaitlistEntryEntity, entry);
      return { entry: viewOf(entry), merged: false };
    });
  }

  /**
   * A patient's "Ask for an earlier time", in the caller's transaction (the inbox's): a new
   * entry, urgency routine, or a merge into the patient's open entry for the type. A request
   * states only the type, the visit's provider and location, the dates before the visit and the
   * consented channels: those replace the entry's; the days, times of day, home, EHR id and
   * urgency staff recorded stay, and waiting time counts from the first request.
   */
  async requestEarlierIn(
    manager: EntityManager,
    tenantId: string,
    request: EarlierTimeRequest,
    now: Date,
  ): Promise<{ entry: EntryView; merged: boolean }> {
    const existing = await manager.findOne(WaitlistEntryEntity, {
      where: {
        tenantId,
        patientId: request.patientId,
        appointmentTypeCode: request.appointmentTypeCode,
        status: 'open',
      },
      lock: { mode: 'pessimistic_write' },
    });
    const stated = {
      providerIds: [...new Set(request.providerIds)],
      locationIds: [...new Set(request.locationIds)],
      earliestDate: request.earliestDate,
      latestDate: request.latestDate,
      channels: [...new Set(request.channels)],
      replacesAppointmentId: request.appointmentId,
      updatedAt: now,
    };
    const kept = {
      keptEhrAppointmentId: request.ehrAppointmentId === '' ? null : request.ehrAppointmentId,
      keptEhrVersion: '',
      keptRevision: request.appointmentRevision,
    };
    if (existing !== null) {
      // The same kept visit: a version learned since from scheduling stays (it is newer).
      const sameVisit =
        existing.replacesAppointmentId === request.appointmentId &&
        existing.keptEhrAppointmentId === kept.keptEhrAppointmentId;
      Object.assign(existing, stated, sameVisit ? {} : kept);
      await manager.save(existing);
      return { entry: viewOf(existing), merged: true };
    }
    const entry = Object.assign(new WaitlistEntryEntity(), stated, kept, {
      id: randomUUID(),
      tenantId,
      patientId: request.patientId,
      ehrPatientId: null,
      appointmentTypeCode: request.appointmentTypeCode,
      weekdays: [],
      timesOfDay: [],
      homeLat: null,
      homeLng: null,
      urgency: 'routine' as const,
      status: 'open' as const,
      declines: 0,
      waitingSince: now,
      createdAt: now,
      closedAt: null,
    });
    await manager.insert(WaitlistEntryEntity, entry);
    return { entry: viewOf(entry), merged: false };
  }

  /**
   * scheduling recorded a revision of a visit patients keep (booked, moved): their open entries
   * learn its EHR id and version, so a fill moves the visit as the EHR has it now. An older
   * revision than the one recorded changes nothing.
   */
  async recordKeptVisitIn(
    manager: EntityManager,
    tenantId: string,
    visit: {
      readonly appointmentId: string;
      readonly ehrAppointmentId: string;
      readonly ehrVersion: string;
      readonly revision: number;
    },
    now: Date,
  ): Promise<number> {
    if (visit.ehrAppointmentId === '') return 0;
    const result = await manager
      .createQueryBuilder()
      .update(WaitlistEntryEntity)
      .set({
        keptEhrAppointmentId: visit.ehrAppointmentId,
        keptEhrVersion: visit.ehrVersion,
        keptRevision: visit.revision,
        updatedAt: now,
      })
      .where('tenant_id = :tenantId', { tenantId })
      .andWhere('replaces_appointment_id = :appointmentId', {
        appointmentId: visit.appointmentId,
      })
      .andWhere(`status = 'open'`)
      .andWhere('kept_revision <= :revision', { revision: visit.revision })
      .execute();
    return result.affected ?? 0;
  }

  /**
   * The visit a patient kept while asking for an earlier time was cancelled: they no longer
   * wait for an earlier one of it, so the entry that names it is withdrawn with its open offer.
   * An entry whose fill is still being written to the EHR is withdrawn too: that write fails
   * (the kept visit changed), and a failed fill must not put the entry back on the list.
   */
  async withdrawKeepingIn(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
    now: Date,
  ): Promise<number> {
    const candidates = await manager.find(WaitlistEntryEntity, {
      where: { tenantId, replacesAppointmentId: appointmentId, status: In(['open', 'booked']) },
      lock: { mode: 'pessimistic_write' },
    });
    const entries: WaitlistEntryEntity[] = [];
    for (const entry of candidates) {
      if (entry.status === 'open' || (await this.slots.isBooking(manager, tenantId, entry.id)))
        entries.push(entry);
    }
    if (entries.length === 0) return 0;
    for (const entry of entries) {
      entry.status = 'withdrawn';
      entry.closedAt = now;
      entry.updatedAt = now;
      await manager.save(entry);
    }
    await this.slots.withdrawOffersOfEntries(
      manager,
      tenantId,
      entries.map((entry) => entry.id),
      now,
    );
    return entries.length;
  }

  async list(tenantId: string, status: WaitlistEntryEntity['status']): Promise<EntryView[]> {
    const rows = await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      manager.find(WaitlistEntryEntity, {
        where: { tenantId, status },
        order: { waitingSince: 'ASC', id: 'ASC' },
        take: 500,
      }),
    );
    return rows.map(viewOf);
  }

  async get(tenantId: string, entryId: string): Promise<EntryView> {
    const entry = await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      manager.findOne(WaitlistEntryEntity, { where: { tenantId, id: entryId } }),
    );
    if (entry === null) throw entryNotFound();
    return viewOf(entry);
  }

  /** The patient no longer wants an earlier time: their open offer is withdrawn too. */
  async withdraw(tenantId: string, entryId: string): Promise<EntryView> {
    return inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      const now = this.clock.now();
      const entry = await manager.findOne(WaitlistEntryEntity, {
        where: { tenantId, id: entryId },
        lock: { mode: 'pessimistic_write' },
      });
      if (entry === null) throw entryNotFound();
      if (entry.status !== 'open') return viewOf(entry);
      entry.status = 'withdrawn';
      entry.closedAt = now;
      entry.updatedAt = now;
      await manager.save(entry);
      await this.slots.withdrawOffersOfEntries(manager, tenantId, [entry.id], now);
      return viewOf(entry);
    });
  }
}

function viewOf(entry: WaitlistEntryEntity): EntryView {
  return {
    id: entry.id,
    patientId: entry.patientId,
    ehrPatientId: entry.ehrPatientId,
    appointmentTypeCode: entry.appointmentTypeCode,
    status: entry.status,
    urgency: entry.urgency,
    earliestDate: entry.earliestDate,
    latestDate: entry.latestDate,
    providerIds: entry.providerIds,
    locationIds: entry.locationIds,
    weekdays: entry.weekdays,
    timesOfDay: entry.timesOfDay,
    channels: entry.channels,
    declines: entry.declines,
    waitingSince: entry.waitingSince.toISOString(),
    replacesAppointmentId: entry.replacesAppointmentId,
  };
}
