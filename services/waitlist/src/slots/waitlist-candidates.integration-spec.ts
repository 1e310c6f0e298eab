import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import { DateTime } from 'luxon';

import { inTenantTransaction } from '@caredispatch/kafka';

import { WaitlistHarness } from '../../test/waitlist-harness';
import {
  type AppointmentTypeRule,
  type FreedSlot,
  rankCandidates,
  type Urgency,
  type WaitlistCandidate,
} from '../ranking/waitlist-ranking';

import { FreedSlotEntity } from './freed-slot.entity';
import { WaitlistCandidatesRepository } from './waitlist-candidates.repository';

const TYPES: Record<string, { requiredCredentials: string[]; durationMinutes: number }> = {
  'follow-up': { requiredCredentials: ['MD'], durationMinutes: 20 },
  'wound-check': { requiredCredentials: ['wound-care'], durationMinutes: 30 },
  long: { requiredCredentials: ['MD'], durationMinutes: 60 },
};
const PROVIDER_CREDENTIALS: Record<string, string[]> = {
  'dr-a': ['MD'],
  'dr-b': ['MD', 'wound-care'],
};
const ZONES = ['America/New_York', 'Pacific/Auckland', 'UTC'];
const NOW = new Date('2030-03-11T13:00:00Z');
const DAY_MS = 86_400_000;

interface Entry {
  readonly appointmentTypeCode: string;
  readonly providerIds: string[];
  readonly locationIds: string[];
  readonly earliestOffset: number;
  readonly spanDays: number;
  readonly weekdays: number[];
  readonly timesOfDay: { from: string; until: string }[];
  readonly urgency: Urgency;
  readonly waitedDays: number;
  readonly declines: number;
  readonly channels: string[];
  readonly status: 'open' | 'booked' | 'withdrawn';
  /** An offer this entry holds or held: open for another slot, or (any status) for this one. */
  readonly offer: 'none' | 'open-elsewhere' | 'declined-here' | 'open-here';
}

/**
 * The candidate query narrows in SQL by the rules the ranking checks; the ranking stays the
 * source of truth. Over random waitlists (entries of every shape, offers held elsewhere or made
 * for this slot, slots near local midnight in three zones), the service's ranking of a slot
 * must equal the pure ranking of every open entry of the tenant, flags computed row by row.
 */
describe(WaitlistCandidatesRepository.name, () => {
  const tenantId = `cand-${randomUUID().slice(0, 8)}`;
  const harness = new WaitlistHarness(NOW, {
    [tenantId]: { appointmentTypes: TYPES, providerCredentials: PROVIDER_CREDENTIALS },
  });

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  const hhmm = fc
    .tuple(fc.integer({ min: 0, max: 24 }), fc.constantFrom(0, 10, 20, 30, 40, 50))
    .map(([h, m]) => (h === 24 ? '24:00' : `${pad(h)}:${pad(m)}`));
  const window = fc
    .tuple(hhmm, hhmm)
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => (a < b ? { from: a, until: b } : { from: b, until: a }));
  /** "Any" half the time, so that a fair share of entries can be offered the slot at all. */
  const anyOr = <T>(specific: fc.Arbitrary<T[]>): fc.Arbitrary<T[]> =>
    fc.oneof(fc.constant<T[]>([]), specific);
  /** Windows that start or end right at, just before or just after the slot's local times. */
  const alignedWindow = (slotStartMinute: number, slotEndMinute: number) =>
    fc
      .tuple(fc.constantFrom(0, -10, 10, -60), fc.constantFrom(0, 10, -10, 60))
      .map(([early, late]) => {
        // Kept a valid window (00:00–24:00, from before until) near midnight.
        const from = Math.min(Math.max(slotStartMinute + early, 0), 24 * 60 - 10);
        const until = Math.min(Math.max(slotEndMinute + late, from + 10), 24 * 60);
        return { from: clock(from), until: clock(until) };
      });
  const entryAround = (slotStartMinute: number, slotEndMinute: number): fc.Arbitrary<Entry> =>
    fc.record({
      appointmentTypeCode: fc.constantFrom(
        'follow-up',
        'follow-up',
        'wound-check',
        'long',
        'x-ray',
      ),
      providerIds: anyOr(fc.subarray(['dr-a', 'dr-b', 'dr-c'])),
      locationIds: anyOr(fc.subarray(['loc-1', 'loc-2'])),
      earliestOffset: fc.integer({ min: -3, max: 3 }),
      spanDays: fc.integer({ min: 0, max: 6 }),
      weekdays: anyOr(fc.subarray([1, 2, 3, 4, 5, 6, 7])),
      timesOfDay: anyOr(
        fc.array(fc.oneof(window, alignedWindow(slotStartMinute, slotEndMinute)), {
          minLength: 1,
          maxLength: 2,
        }),
      ),
      urgency: fc.constantFrom<Urgency>('routine', 'soon', 'urgent'),
      waitedDays: fc.integer({ min: 0, max: 120 }),
      declines: fc.integer({ min: 0, max: 3 }),
      channels: fc.oneof(fc.constant<string[]>(['sms']), fc.subarray(['sms', 'email'])),
      status: fc.constantFrom('open', 'open', 'open', 'booked', 'withdrawn'),
      offer: fc.constantFrom(
        'none',
        'none',
        'none',
        'open-elsewhere',
        'declined-here',
        'open-here',
      ),
    });
  const slot = fc.record({
    // Every 10 minutes over three days from the clock's day: local midnights in each zone.
    startOffsetMinutes: fc.integer({ min: 0, max: 3 * 24 * 6 }).map((n) => n * 10),
    // constantFrom favours its first values: the common shapes first, the edge ones after.
    minutes: fc.constantFrom(30, 20, 60, 90, 10),
    timeZone: fc.constantFrom(...ZONES),
    appointmentTypeCode: fc.constantFrom('follow-up', 'wound-check', 'long'),
    providerId: fc.constantFrom('dr-b', 'dr-a', 'dr-c'),
    locationId: fc.constantFrom('loc-1', 'loc-2'),
  });
  const slotAndWaitlist = slot.chain((shape) => {
    const local = DateTime.fromJSDate(startOf(shape), { zone: shape.timeZone });
    const startMinute = local.hour * 60 + local.minute;
    return fc.tuple(
      fc.constant(shape),
      fc.array(entryAround(startMinute, startMinute + shape.minutes), {
        minLength: 30,
        maxLength: 80,
      }),
    );
  });

  it('should rank a freed slot exactly as the pure ranking of every open entry does', async () => {
    let ranked = 0;
    await fc.assert(
      fc.asyncProperty(slotAndWaitlist, async ([shape, entries]) => {
        const start = startOf(shape);
        const freed = Object.assign(new FreedSlotEntity(), {
          id: randomUUID(),
          tenantId,
          freedByAppointmentId: randomUUID(),
          startAt: start,
          endAt: new Date(start.getTime() + shape.minutes * 60_000),
          timeZone: shape.timeZone,
          appointmentTypeCode: shape.appointmentTypeCode,
          providerId: shape.providerId,
          locationId: shape.locationId,
          status: 'offering' as const,
          wave: 0,
          offersMade: 0,
          openedAt: NOW,
        });
        await seed(freed, entries);

        const sut = await inTenantTransaction(harness.dataSource, tenantId, (manager) =>
          harness.slots.rank(manager, freed, NOW),
        );

        const reference = rankCandidates(
          {
            start: freed.startAt,
            end: freed.endAt,
            timeZone: freed.timeZone,
            appointmentTypeCode: freed.appointmentTypeCode,
            providerId: freed.providerId,
            // dr-c has none: no type can be offered in its slots.
            providerCredentials: PROVIDER_CREDENTIALS[freed.providerId] ?? [],
            locationId: freed.locationId,
            visitMode: 'clinic',
          } satisfies FreedSlot,
          await everyOpenEntryNotOfferedThisSlot(freed.id),
          new Map<string, AppointmentTypeRule>(Object.entries(TYPES)),
          NOW,
        );
        expect(sut.ranked).toEqual(reference.ranked);
        ranked += sut.ranked.length;
      }),
      { numRuns: 100 },
    );
    // The comparison has teeth: the random waitlists put someone in front of many slots.
    expect(ranked).toBeGreaterThan(50);
  }, 300_000);

  /** The tenant's waitlist is exactly `entries` (and their offers) for this run. */
  async function seed(freed: FreedSlotEntity, entries: readonly Entry[]): Promise<void> {
    await harness.query('DELETE FROM waitlist_offer WHERE tenant_id = $1', [tenantId]);
    await harness.query('DELETE FROM waitlist_entry WHERE tenant_id = $1', [tenantId]);
    const today = NOW.getTime();
    const entryRows: unknown[][] = [];
    const offerRows: unknown[][] = [];
    for (const [index, e] of entries.entries()) {
      const entryId = randomUUID();
      const earliest = new Date(today + e.earliestOffset * DAY_MS);
      entryRows.push([
        entryId,
        tenantId,
        `patient-${index}`,
        e.appointmentTypeCode,
        e.providerIds,
        e.locationIds,
        isoDay(earliest),
        isoDay(new Date(earliest.getTime() + e.spanDays * DAY_MS)),
        e.weekdays,
        JSON.stringify(e.timesOfDay),
        e.urgency,
        e.channels,
        new Date(today - e.waitedDays * DAY_MS - index * 1000),
        e.status,
        e.declines,
      ]);
      if (e.offer === 'none' || e.status !== 'open') continue;
      offerRows.push([
        randomUUID(),
        tenantId,
        e.offer === 'open-elsewhere' ? randomUUID() : freed.id,
        entryId,
        `patient-${index}`,
        e.offer === 'declined-here' ? 'declined' : 'open',
        new Date(today + 15 * 60_000),
      ]);
    }
    if (entryRows.length > 0) {
      await harness.query(
        `INSERT INTO waitlist_entry (id, tenant_id, patient_id, appointment_type_code, provider_ids,
           location_ids, earliest_date, latest_date, weekdays, times_of_day, urgency, channels,
           waiting_since, status, declines, created_at, updated_at)
         VALUES ${values(entryRows, ', now(), now()')}`,
        entryRows.flat(),
      );
    }
    if (offerRows.length > 0) {
      await harness.query(
        `INSERT INTO waitlist_offer (id, tenant_id, slot_id, entry_id, patient_id, status,
           hold_until, wave, rank, explanation, created_at)
         VALUES ${values(offerRows, ", 1, 1, '{}', now()")}`,
        offerRows.flat(),
      );
    }
  }

  /** The ranking's input computed the plain way: every open entry, its flags row by row. */
  async function everyOpenEntryNotOfferedThisSlot(slotId: string): Promise<WaitlistCandidate[]> {
    const rows = await harness.query<{
      id: string;
      patient_id: string;
      appointment_type_code: string;
      provider_ids: string[];
      location_ids: string[];
      earliest_date: string;
      latest_date: string;
      weekdays: number[];
      times_of_day: { from: string; until: string }[];
      urgency: Urgency;
      waiting_since: Date;
      channels: string[];
      declines: number;
      holds_offer: boolean;
      offered_here: boolean;
    }>(
      `SELECT e.*, e.earliest_date::text AS earliest_date, e.latest_date::text AS latest_date,
              EXISTS (SELECT 1 FROM waitlist_offer o
                       WHERE o.entry_id = e.id AND o.status = 'open') AS holds_offer,
              EXISTS (SELECT 1 FROM waitlist_offer o
                       WHERE o.entry_id = e.id AND o.slot_id = $2) AS offered_here
         FROM waitlist_entry e WHERE e.tenant_id = $1 AND e.status = 'open'`,
      [tenantId, slotId],
    );
    return rows
      .filter((row) => !row.offered_here)
      .map((row) => ({
        entryId: row.id,
        patientId: row.patient_id,
        appointmentTypeCode: row.appointment_type_code,
        providerIds: row.provider_ids,
        locationIds: row.location_ids,
        earliestDate: row.earliest_date,
        latestDate: row.latest_date,
        weekdays: row.weekdays,
        timesOfDay: row.times_of_day,
        urgency: row.urgency,
        waitingSince: row.waiting_since,
        contactable: row.channels.length > 0,
        holdsOffer: row.holds_offer,
        declines: row.declines,
      }));
  }
});

/** `($1, …), ($k, …)` for `rows`, each row followed by `constants`. */
function values(rows: readonly unknown[][], constants: string): string {
  let next = 0;
  return rows
    .map((row) => `(${row.map(() => `$${(next += 1)}`).join(', ')}${constants})`)
    .join(', ');
}

/** Where a slot of `shape` starts: every 10 minutes over three days from half a day on. */
function startOf(shape: { readonly startOffsetMinutes: number }): Date {
  return new Date(NOW.getTime() + DAY_MS / 2 + shape.startOffsetMinutes * 60_000);
}

function clock(minute: number): string {
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function isoDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
