import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, In, LessThanOrEqual } from 'typeorm';

import { inJobTransaction, inTenantTransaction } from '@caredispatch/kafka';

import { WaitlistEntryEntity } from '../entries/waitlist-entry.entity';
import {
  type FreedSlot,
  localSlotOf,
  type RankedCandidate,
  type Ranking,
  rankCandidates,
} from '../ranking/waitlist-ranking';
import { WaitlistSettings } from '../settings/waitlist-settings';
import { WaitlistError, WaitlistErrorCode, offerNotFound } from '../waitlist.errors';

import { AcceptanceGate } from './acceptance-gate';
import { bookingRequestFor } from './booking-request';
import { FreedSlotEntity } from './freed-slot.entity';
import { decideNextWave } from './next-wave';
import { nextOfferOpening } from './offer-hours';
import { WaitlistCandidatesRepository } from './waitlist-candidates.repository';
import { type EventCause, WaitlistEvents } from './waitlist-events';
import { WaitlistJobs } from './waitlist-jobs';
import { WaitlistOfferEntity } from './waitlist-offer.entity';

/** A time a cancellation or move freed, as scheduling described it. */
export interface FreedTime {
  readonly appointmentId: string;
  readonly start: Date;
  readonly end: Date;
  readonly timeZone: string;
  readonly appointmentTypeCode: string;
  readonly providerId: string;
  readonly locationId: string;
  readonly locationName: string;
  /** The freed appointment in the EHR and its version then ('' when unknown). */
  readonly ehrAppointmentId: string;
  readonly ehrVersion: string;
}

export type AcceptOutcome = 'accepted' | 'already-accepted';

/** ehr-gateway's answer to a booking request (WriteBackSucceededV1/FailedV1, action BOOK). */
export type BookingOutcome =
  | { readonly kind: 'booked' }
  | {
      readonly kind: 'failed';
      /**
       * `slot-taken`: staff took the time (or changed the freed appointment) before our write.
       * `kept-visit-changed`: staff changed or cancelled the visit the acceptor keeps; the time
       * is still free. `other`: the EHR could not be written (coordinators book by hand).
       */
      readonly cause: 'slot-taken' | 'kept-visit-changed' | 'other';
    };

/**
 * Fills freed slots from the waitlist. Every change to one slot (a wave, an acceptance, a
 * decline, an expiry, a staff booking) runs with the slot's row locked, so "first acceptance
 * wins" is decided by the lock order, and the partial unique index on accepted offers is the
 * database's second word on it.
 */
@Injectable()
export class FreedSlotService {
  private readonly logger = new Logger(FreedSlotService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: WaitlistSettings,
    private readonly events: WaitlistEvents,
    private readonly acceptanceGate: AcceptanceGate,
    private readonly candidates: WaitlistCandidatesRepository,
  ) {}

  /**
   * A cancellation or move freed `time`: open a slot and send the first wave (or escalate).
   * `cause` is the event that freed it, so the trail ties the opened slot to that change.
   */
  async openSlot(
    manager: EntityManager,
    tenantId: string,
    time: FreedTime,
    now: Date,
    cause?: EventCause,
  ): Promise<FreedSlotEntity | null> {
    const policy = this.settings.of(tenantId);
    const lead = time.start.getTime() - now.getTime();
    if (lead < policy.minLeadMinutes * 60_000 || lead > policy.horizonDays * 86_400_000) {
      return null;
    }
    const slot = Object.assign(new FreedSlotEntity(), {
      id: randomUUID(),
      tenantId,
      freedByAppointmentId: time.appointmentId,
      startAt: time.start,
      endAt: time.end,
      timeZone: time.timeZone,
      appointmentTypeCode: time.appointmentTypeCode,
      providerId: time.providerId,
      locationId: time.locationId,
      locationName: time.locationName,
      freedEhrAppointmentId: time.ehrAppointmentId,
      freedEhrVersion: time.ehrVersion,
      status: 'offering' as const,
      wavesPausedUntil: null,
      wave: 0,
      offersMade: 0,
      openedAt: now,
      closedAt: null,
      filledEntryId: null,
      escalationReason: null,
    });
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(FreedSlotEntity)
      .values(slot)
      .orIgnore()
      .returning(['id'])
      .execute();
    // A replayed cancellation of the same time: the slot exists and is being filled already.
    if ((inserted.raw as unknown[]).length === 0) return null;
    await this.nextWave(manager, slot, now, { announceOpened: true, cause });
    return slot;
  }

  /**
   * A patient (staff on the phone, the accept link) takes the offer. A late acceptance's
   * resolution commits before the caller is told "This time is no longer available".
   *
   * Never queues on the slot's lock while holding a pooled connection, nor in the pool's queue:
   * 50 patients accepting at once would otherwise park the whole pool behind one booking and
   * later callers would time out waiting for a connection (503) instead of being told. The
   * acceptance gate lets a few acceptances at the database at a time; a busy slot gives the
   * connection back, waits briefly and looks again; by then the winner has usually committed and
   * the offer reads withdrawn, which is the answer. Only a slot busy longer than the patience
   * queues on its lock.
   */
  async accept(tenantId: string, offerId: string, now: Date): Promise<AcceptOutcome> {
    const outcome = await this.acceptWithoutQueueing(tenantId, offerId, now);
    if (outcome === 'too-late') {
      throw new WaitlistError(
        WaitlistErrorCode.SlotNoLongerAvailable,
        'This time is no longer available',
      );
    }
    return outcome;
  }

  private async acceptWithoutQueueing(
    tenantId: string,
    offerId: string,
    now: Date,
  ): Promise<AcceptOutcome | 'too-late'> {
    const patienceEnds = performance.now() + BUSY_SLOT_PATIENCE_MS;
    for (let attempt = 0; ; attempt += 1) {
      const onBusySlot = performance.now() < patienceEnds ? 'give-up' : 'queue';
      try {
        return await this.acceptanceGate.run(() =>
          inTenantTransaction(this.dataSource, tenantId, (manager) =>
            this.acceptIn(manager, tenantId, offerId, now, onBusySlot),
          ),
        );
      } catch (error) {
        if (!(error instanceof SlotBusy)) throw error;
      }
      await sleep(busySlotBackoffMs(attempt));
    }
  }

  /**
   * Accepts in the caller's tenant transaction (messaging's answer runs in the inbox's): first
   * acceptance wins under the slot's lock; every later one is `too-late` and its offer resolved
   * so (messaging tells the patient). An offer already resolved is answered from its row alone,
   * without the slot's lock. `give-up` throws SlotBusy instead of waiting for a locked slot (the
   * transaction is then aborted: the caller retries in a new one).
   */
  async acceptIn(
    manager: EntityManager,
    tenantId: string,
    offerId: string,
    now: Date,
    onBusySlot: 'queue' | 'give-up' = 'queue',
  ): Promise<AcceptOutcome | 'too-late'> {
    // Every loser of a race reads its offer withdrawn here: the winner withdrew it when it won.
    const seen = await manager.findOne(WaitlistOfferEntity, {
      select: { id: true, status: true },
      where: { id: offerId, tenantId },
    });
    if (seen === null) throw offerNotFound();
    if (seen.status === 'accepted') return 'already-accepted';
    if (seen.status !== 'open') return 'too-late';
    const { offer, slot } = await this.lockOfferAndSlot(manager, tenantId, offerId, onBusySlot);
    if (offer.status === 'accepted') return 'already-accepted';
    if (offer.status === 'open' && slot.status === 'offering' && offer.holdUntil > now) {
      // Read, not locked: slot before entry is not every path's lock order (a withdrawal locks
      // the entry first), and only the EHR ids and the kept visit are read.
      const entry = await manager.findOne(WaitlistEntryEntity, {
        select: {
          id: true,
          ehrPatientId: true,
          replacesAppointmentId: true,
          keptEhrAppointmentId: true,
          keptEhrVersion: true,
        },
        where: { id: offer.entryId, tenantId },
      });
      // A patient who asked for an earlier time keeps a visit: the gateway moves that one to the
      // freed time (never a second Appointment); anyone else gets a new one.
      const request =
        entry === null
          ? null
          : bookingRequestFor(slot, offer.id, {
              entryId: offer.entryId,
              patientId: offer.patientId,
              ehrPatientId: entry.ehrPatientId,
              replacesAppointmentId: entry.replacesAppointmentId,
              keptEhrAppointmentId: entry.keptEhrAppointmentId,
              keptEhrVersion: entry.keptEhrVersion,
            });
      if (request !== null) {
        // The offer is taken; the patient is told once the EHR has (or has not) booked them.
        offer.status = 'accepted';
        offer.resolvedAt = now;
        await manager.update(
          WaitlistOfferEntity,
          { id: offer.id },
          { status: 'accepted', resolvedAt: now },
        );
        slot.status = 'booking';
      } else {
        // Nothing to book the EHR with: the fill is recorded here and staff book it.
        await this.resolveOffer(manager, offer, 'accepted', now);
        slot.status = 'filled';
        slot.closedAt = now;
      }
      slot.filledEntryId = offer.entryId;
      await manager.save(slot);
      await manager.update(
        WaitlistEntryEntity,
        { id: offer.entryId, status: 'open' },
        { status: 'booked', closedAt: now, updatedAt: now },
      );
      await this.withdrawOpenOffers(manager, slot.id, now);
      if (request !== null) {
        await this.events.bookingRequested(manager, slot, request);
      } else {
        await this.events.slotClosed(manager, slot, offer);
      }
      return 'accepted';
    }
    if (offer.status === 'open') {
      // Taken by someone else, by staff, or the hold ran out: told "no longer available".
      const expired = slot.status === 'offering' && offer.holdUntil <= now;
      await this.resolveOffer(manager, offer, expired ? 'expired' : 'too_late', now);
      if (expired) await this.nextWaveIfIdle(manager, slot, now);
    }
    return 'too-late';
  }

  /**
   * ehr-gateway booked the acceptor (the slot is filled; the EHR's echo confirms it to the
   * patient) or could not: the acceptor is told "no longer available" and their entry goes back
   * on the list; a time staff took is theirs, a time still free after staff changed the
   * acceptor's kept visit goes to the next wave, any other failure goes to the coordinators.
   * Redelivered or stale outcomes change nothing.
   */
  async onBookingOutcome(
    manager: EntityManager,
    tenantId: string,
    offerId: string,
    outcome: BookingOutcome,
    now: Date,
  ): Promise<void> {
    const { offer, slot } = await this.lockOfferAndSlot(manager, tenantId, offerId);
    if (slot.status !== 'booking' || offer.status !== 'accepted') return;
    slot.closedAt = now;
    if (outcome.kind === 'booked') {
      slot.status = 'filled';
      await manager.save(slot);
      await this.events.offerResolved(manager, offer, 'accepted', { bookedInEhr: true });
      await this.events.slotClosed(manager, slot, offer);
      return;
    }
    await this.resolveOffer(manager, offer, 'too_late', now);
    await this.reopenEntry(manager, tenantId, offer.entryId, now);
    slot.filledEntryId = null;
    if (outcome.cause === 'kept-visit-changed') {
      // The time is still free: it goes on to the next wave (the acceptor, who holds an offer
      // of it already, is not offered it again).
      slot.status = 'offering';
      slot.closedAt = null;
      await manager.save(slot);
      await this.nextWaveIfIdle(manager, slot, now);
      return;
    }
    if (outcome.cause === 'slot-taken') {
      slot.status = 'filled_by_staff';
    } else {
      slot.status = 'escalated';
      slot.escalationReason = 'booking_failed';
    }
    await manager.save(slot);
    await this.events.slotClosed(manager, slot);
  }

  /** Back on the list after a failed booking, unless the patient has another open entry now. */
  private async reopenEntry(
    manager: EntityManager,
    tenantId: string,
    entryId: string,
    now: Date,
  ): Promise<void> {
    const entry = await manager.findOne(WaitlistEntryEntity, {
      where: { id: entryId, tenantId },
      lock: { mode: 'pessimistic_write' },
    });
    if (entry === null || entry.status !== 'booked') return;
    const other = await manager.count(WaitlistEntryEntity, {
      where: {
        tenantId,
        patientId: entry.patientId,
        appointmentTypeCode: entry.appointmentTypeCode,
        status: 'open',
      },
    });
    if (other > 0) return;
    await manager.update(
      WaitlistEntryEntity,
      { id: entryId },
      { status: 'open', closedAt: null, updatedAt: now },
    );
  }

  async decline(tenantId: string, offerId: string, now: Date): Promise<void> {
    await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      this.declineIn(manager, tenantId, offerId, now),
    );
  }

  async declineIn(
    manager: EntityManager,
    tenantId: string,
    offerId: string,
    now: Date,
  ): Promise<void> {
    const { offer, slot } = await this.lockOfferAndSlot(manager, tenantId, offerId);
    if (offer.status === 'declined') return;
    if (offer.status !== 'open') {
      throw new WaitlistError(WaitlistErrorCode.OfferClosed, 'This offer is closed');
    }
    await this.resolveOffer(manager, offer, 'declined', now);
    await manager.increment(WaitlistEntryEntity, { id: offer.entryId }, 'declines', 1);
    await this.nextWaveIfIdle(manager, slot, now);
  }

  /**
   * Resolves offers whose hold ran out and moves their slots on (next wave, escalation or
   * expiry). One slot per transaction; returns how many slots it moved.
   */
  async expireHolds(now: Date, limit = 100): Promise<number> {
    // Across tenants, ids only (the job's one policy); each slot then moves in its tenant's scope.
    const due = await inJobTransaction(this.dataSource, WaitlistJobs.HoldExpiry, (manager) =>
      manager.find(WaitlistOfferEntity, {
        select: { slotId: true, tenantId: true },
        where: { status: 'open', holdUntil: LessThanOrEqual(now) },
        order: { holdUntil: 'ASC' },
        take: limit,
      }),
    );
    const slots = [...new Map(due.map((o) => [o.slotId, o.tenantId])).entries()];
    for (const [slotId, tenantId] of slots) {
      await inTenantTransaction(this.dataSource, tenantId, async (manager) => {
        const slot = await this.lockSlot(manager, tenantId, slotId);
        if (slot === null) return;
        const expired = await manager.find(WaitlistOfferEntity, {
          where: { slotId, status: 'open', holdUntil: LessThanOrEqual(now) },
        });
        for (const offer of expired) await this.resolveOffer(manager, offer, 'expired', now);
        await this.nextWaveIfIdle(manager, slot, now);
      });
    }
    return slots.length;
  }

  /**
   * Slots whose next wave waited for the morning and may go now: each moves in its tenant's
   * transaction (next wave if it is still ahead, else expiry or escalation). Returns how many.
   */
  async resumeWaves(now: Date, limit = 100): Promise<number> {
    // Across tenants, ids only (the job's one policy).
    const due = await inJobTransaction(this.dataSource, WaitlistJobs.WaveResume, (manager) =>
      manager.find(FreedSlotEntity, {
        select: { id: true, tenantId: true },
        where: { status: 'offering', wavesPausedUntil: LessThanOrEqual(now) },
        order: { wavesPausedUntil: 'ASC' },
        take: limit,
      }),
    );
    for (const { id, tenantId } of due) {
      await inTenantTransaction(this.dataSource, tenantId, async (manager) => {
        const slot = await this.lockSlot(manager, tenantId, id);
        if (slot?.status !== 'offering' || slot.wavesPausedUntil === null) return;
        if (slot.wavesPausedUntil > now) return;
        slot.wavesPausedUntil = null;
        await manager.save(slot);
        await this.nextWaveIfIdle(manager, slot, now);
      });
    }
    return due.length;
  }

  /**
   * Staff booked an appointment: a slot being offered at that provider and time is filled by
   * staff (its open offers withdrawn), and the patient's own open entries of that type close.
   */
  async onAppointmentBooked(
    manager: EntityManager,
    tenantId: string,
    booked: {
      readonly patientId: string;
      readonly appointmentTypeCode: string;
      readonly providerId: string;
      readonly start: Date;
      readonly end: Date;
    },
    now: Date,
  ): Promise<void> {
    const overlapping = await manager
      .createQueryBuilder(FreedSlotEntity, 'slot')
      .setLock('pessimistic_write')
      .where('slot.tenant_id = :tenantId', { tenantId })
      .andWhere(`slot.status = 'offering'`)
      .andWhere('slot.provider_id = :providerId', { providerId: booked.providerId })
      .andWhere('slot.start_at < :end AND slot.end_at > :start', {
        start: booked.start,
        end: booked.end,
      })
      .orderBy('slot.id')
      .getMany();
    for (const slot of overlapping) {
      slot.status = 'filled_by_staff';
      slot.closedAt = now;
      await manager.save(slot);
      await this.withdrawOpenOffers(manager, slot.id, now);
      await this.events.slotClosed(manager, slot);
    }

    const entries = await manager.find(WaitlistEntryEntity, {
      where: {
        tenantId,
        patientId: booked.patientId,
        appointmentTypeCode: booked.appointmentTypeCode,
        status: 'open',
      },
      lock: { mode: 'pessimistic_write' },
    });
    if (entries.length === 0) return;
    await manager.update(
      WaitlistEntryEntity,
      { id: In(entries.map((e) => e.id)) },
      { status: 'booked', closedAt: now, updatedAt: now },
    );
    await this.withdrawOffersOfEntries(
      manager,
      tenantId,
      entries.map((e) => e.id),
      now,
    );
  }

  /** Whether the entry's fill is being written to the EHR now (its slot waits for the outcome). */
  async isBooking(manager: EntityManager, tenantId: string, entryId: string): Promise<boolean> {
    const booking = await manager.count(FreedSlotEntity, {
      where: { tenantId, filledEntryId: entryId, status: 'booking' },
    });
    return booking > 0;
  }

  /** An entry left the list (withdrawn, booked): its open offer is withdrawn and its slot moves on. */
  async withdrawOffersOfEntries(
    manager: EntityManager,
    tenantId: string,
    entryIds: readonly string[],
    now: Date,
  ): Promise<void> {
    const offers = await manager.find(WaitlistOfferEntity, {
      where: { tenantId, entryId: In([...entryIds]), status: 'open' },
      order: { slotId: 'ASC' },
    });
    for (const { slotId } of offers) {
      const slot = await this.lockSlot(manager, tenantId, slotId);
      const offer = await manager.findOne(WaitlistOfferEntity, {
        where: { slotId, entryId: In([...entryIds]), status: 'open' },
      });
      if (slot === null || offer === null) continue;
      await this.resolveOffer(manager, offer, 'withdrawn', now);
      await this.nextWaveIfIdle(manager, slot, now);
    }
  }

  private async nextWaveIfIdle(
    manager: EntityManager,
    slot: FreedSlotEntity,
    now: Date,
  ): Promise<void> {
    if (slot.status !== 'offering') return;
    const open = await manager.count(WaitlistOfferEntity, {
      where: { slotId: slot.id, status: 'open' },
    });
    if (open === 0) await this.nextWave(manager, slot, now, { announceOpened: false });
  }

  private async nextWave(
    manager: EntityManager,
    slot: FreedSlotEntity,
    now: Date,
    { announceOpened, cause }: { announceOpened: boolean; cause?: EventCause },
  ): Promise<void> {
    const policy = this.settings.of(slot.tenantId);
    const ranking = await this.rank(manager, slot, now);
    if (announceOpened) await this.events.slotOpened(manager, slot, ranking.ranked.length, cause);
    const decision = decideNextWave({
      slotStart: slot.startAt,
      now,
      wavesSent: slot.wave,
      ranked: ranking.ranked,
      settings: policy,
    });
    switch (decision.kind) {
      case 'offer': {
        // Nobody is texted at night: the wave waits for the morning (resumeWaves).
        const opening = nextOfferOpening(now, slot.timeZone, policy.offerHours);
        if (opening !== null) {
          slot.wavesPausedUntil = opening;
          await manager.save(slot);
          this.logger.log(
            { tenantId: slot.tenantId, slotId: slot.id, until: opening.toISOString() },
            'next wave waits for the offer hours',
          );
          return;
        }
        slot.wavesPausedUntil = null;
        const holdUntil = new Date(now.getTime() + policy.holdMinutes * 60_000);
        const offers = await this.claimWave(manager, slot, ranking.ranked, {
          size: decision.candidates.length,
          // Never past the slot's start: an offer cannot be accepted for a visit under way.
          holdUntil: holdUntil < slot.startAt ? holdUntil : slot.startAt,
          now,
        });
        if (offers.length > 0) {
          slot.wave += 1;
          slot.offersMade += offers.length;
          await manager.save(slot);
          for (const offer of offers) await this.events.offerMade(manager, slot, offer);
          return;
        }
        // Everyone eligible took another slot's offer while this one was ranked.
        slot.status = 'escalated';
        slot.escalationReason = slot.wave === 0 ? 'no_eligible_patient' : 'all_declined_or_expired';
        break;
      }
      case 'escalate':
        slot.status = 'escalated';
        slot.escalationReason = decision.reason;
        break;
      case 'expire':
        slot.status = 'expired';
        break;
    }
    slot.closedAt = now;
    await manager.save(slot);
    await this.events.slotClosed(manager, slot);
    this.logger.log(
      { tenantId: slot.tenantId, slotId: slot.id, outcome: slot.status },
      'freed slot closed without a waitlist booking',
    );
  }

  /**
   * Offers the slot to the best `size` of `ranked`, in rank order. A patient holds one open offer
   * at a time (ux_waitlist_offer_open_entry): when another slot's wave claimed a candidate after
   * this one was ranked, the insert waits for that transaction and then skips the candidate
   * (ON CONFLICT DO NOTHING) instead of failing the whole wave, and the next ranked one is asked.
   */
  private async claimWave(
    manager: EntityManager,
    slot: FreedSlotEntity,
    ranked: readonly RankedCandidate[],
    { size, holdUntil, now }: { size: number; holdUntil: Date; now: Date },
  ): Promise<WaitlistOfferEntity[]> {
    const offers: WaitlistOfferEntity[] = [];
    for (const candidate of ranked) {
      if (offers.length === size) break;
      const offer = Object.assign(new WaitlistOfferEntity(), {
        id: randomUUID(),
        tenantId: slot.tenantId,
        slotId: slot.id,
        entryId: candidate.entryId,
        patientId: candidate.patientId,
        wave: slot.wave + 1,
        rank: candidate.rank,
        status: 'open' as const,
        holdUntil,
        explanation: candidate.explanation,
        createdAt: now,
        resolvedAt: null,
      });
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(WaitlistOfferEntity)
        .values(offer)
        .orIgnore()
        .returning(['id'])
        .execute();
      if ((inserted.raw as unknown[]).length > 0) offers.push(offer);
    }
    return offers;
  }

  /** The slot's eligible candidates not yet offered it, best first (the bench times this). */
  async rank(manager: EntityManager, slot: FreedSlotEntity, now: Date): Promise<Ranking> {
    const policy = this.settings.of(slot.tenantId);
    const typeRules = this.settings.typeRules(slot.tenantId);
    const freed: FreedSlot = {
      start: slot.startAt,
      end: slot.endAt,
      timeZone: slot.timeZone,
      appointmentTypeCode: slot.appointmentTypeCode,
      providerId: slot.providerId,
      providerCredentials: policy.providerCredentials[slot.providerId] ?? [],
      locationId: slot.locationId,
      visitMode: 'clinic',
    };
    const local = localSlotOf(freed);
    const credentials = new Set(freed.providerCredentials);
    // Types this provider may see in this slot: the query narrows to them; ranking re-checks.
    const hostableTypes = [...typeRules]
      .filter(
        ([, rule]) =>
          rule.durationMinutes <= local.durationMinutes &&
          rule.requiredCredentials.every((credential) => credentials.has(credential)),
      )
      .map(([code]) => code);
    const candidates = await this.candidates.eligibleFor(manager, {
      tenantId: slot.tenantId,
      slotId: slot.id,
      appointmentTypeCodes: hostableTypes,
      providerId: slot.providerId,
      locationId: slot.locationId,
      localDate: local.date,
      weekday: local.weekday,
      startMinute: local.startMinute,
      endMinute: local.endMinute,
    });
    return rankCandidates(freed, candidates, typeRules, now);
  }

  private async resolveOffer(
    manager: EntityManager,
    offer: WaitlistOfferEntity,
    status: 'accepted' | 'declined' | 'expired' | 'withdrawn' | 'too_late',
    now: Date,
  ): Promise<void> {
    offer.status = status;
    offer.resolvedAt = now;
    await manager.update(WaitlistOfferEntity, { id: offer.id }, { status, resolvedAt: now });
    await this.events.offerResolved(manager, offer, status);
  }

  private async withdrawOpenOffers(manager: EntityManager, slotId: string, now: Date) {
    const open = await manager.find(WaitlistOfferEntity, {
      where: { slotId, status: 'open' },
      order: { rank: 'ASC' },
    });
    for (const offer of open) await this.resolveOffer(manager, offer, 'withdrawn', now);
  }

  private async lockOfferAndSlot(
    manager: EntityManager,
    tenantId: string,
    offerId: string,
    onBusySlot: 'queue' | 'give-up' = 'queue',
  ): Promise<{ offer: WaitlistOfferEntity; slot: FreedSlotEntity }> {
    const found = await manager.findOne(WaitlistOfferEntity, {
      select: { slotId: true },
      where: { id: offerId, tenantId },
    });
    if (found === null) throw offerNotFound();
    // Slot first, then the offer: every path that changes a slot's offers locks in this order.
    const slot =
      onBusySlot === 'queue'
        ? await this.lockSlot(manager, tenantId, found.slotId)
        : await this.lockSlotUnlessBusy(manager, tenantId, found.slotId);
    const offer = await manager.findOne(WaitlistOfferEntity, { where: { id: offerId, tenantId } });
    if (slot === null || offer === null) throw offerNotFound();
    return { offer, slot };
  }

  private lockSlot(
    manager: EntityManager,
    tenantId: string,
    slotId: string,
  ): Promise<FreedSlotEntity | null> {
    return manager.findOne(FreedSlotEntity, {
      where: { id: slotId, tenantId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * FOR UPDATE SKIP LOCKED rather than NOWAIT: a busy slot reads as no row instead of failing
   * the statement, so the database logs no error for what is an ordinary race.
   */
  private async lockSlotUnlessBusy(
    manager: EntityManager,
    tenantId: string,
    slotId: string,
  ): Promise<FreedSlotEntity | null> {
    const slot = await manager.findOne(FreedSlotEntity, {
      where: { id: slotId, tenantId },
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
    if (slot !== null) return slot;
    if (await manager.exists(FreedSlotEntity, { where: { id: slotId, tenantId } })) {
      throw new SlotBusy();
    }
    return null;
  }
}

/** The slot's row is locked by another transaction (an acceptance, a wave, a staff booking). */
class SlotBusy extends Error {
  constructor() {
    super('the freed slot is locked by another transaction');
  }
}

/**
 * How long an acceptance keeps giving its connection back to a busy slot before it queues on
 * the lock like every other path (still bounded by the session's lock_timeout). Longer than
 * any one acceptance's transaction, shorter than a client's patience.
 */
const BUSY_SLOT_PATIENCE_MS = 10_000;

/** Full jitter over 10, 20, 40 … 200 ms, so the losers of one race do not retry in step. */
function busySlotBackoffMs(attempt: number): number {
  return Math.random() * Math.min(200, 10 * 2 ** attempt);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
