import { randomUUID } from 'node:crypto';

import {
  timestampFromDate,
  Topics,
  WriteBackAction,
  WriteBackFailureReason,
} from '@caredispatch/contracts';

import { DispatchHarness, waitFor } from '../../test/dispatch-harness';
import { seedWeek, type SeedAppointment, type SeedWeek } from '../../test/seed-week';

import type { DispatchException } from '../exceptions/dispatch-exception.model';
import type { PlanVersion } from '../plan/plan.model';

/** One clinic, one clinician (every clinic visit is theirs), two nurses for the home visits. */
const SMALL_DAY = {
  days: 1,
  clinics: 1,
  clinicians: 1,
  nurses: 2,
  clinicVisits: 4,
  homeVisits: 8,
  unservableCredential: 0,
  unresolvableAddresses: 0,
} as const;
/** A Practitioner no rostered provider is linked to: every home visit is booked with them. */
const ELSEWHERE = 'prac-elsewhere';

/**
 * EHR write-back of plan assignments (issue 12) against real PostgreSQL and Kafka: a tenant with
 * the switch off publishes nothing; with it on, a plan asks ehr-gateway to write exactly the
 * visits whose practitioner changes, and a later version asks only for what it changes.
 */
describe('EHR write-back of plan assignments (PostgreSQL + Kafka)', () => {
  const off = `wb-${randomUUID().slice(0, 8)}`;
  const on = `wb-${randomUUID().slice(0, 8)}`;
  const weeks: Record<string, SeedWeek> = { [off]: seedWeek(SMALL_DAY), [on]: seedWeek(SMALL_DAY) };
  const day = weeks[on].days[0];
  // Sunday evening before the day, in New York.
  const harness = new DispatchHarness(weeks[on].addresses, new Date('2030-03-10T22:00:00Z'), [
    off,
    on,
  ]);

  /** The clinician is linked to the Practitioner the clinic visits are booked with. */
  function bookedPractitionerOf(appointment: SeedAppointment): string {
    return appointment.typeCode === 'clinic-visit' ? 'prac-clin-1' : ELSEWHERE;
  }

  /** Appointment ids of the write-back requests staged for publishing, oldest first. */
  async function requestedAppointments(tenantId: string): Promise<string[]> {
    const rows = await harness.query<{ message_key: string }>(
      `SELECT message_key FROM outbox_message
        WHERE tenant_id = $1 AND event_type = 'AssignmentWriteBackRequestedV1' ORDER BY seq`,
      [tenantId],
    );
    return rows.map((row) => row.message_key);
  }

  beforeAll(async () => {
    await harness.start();
    for (const tenantId of [off, on]) {
      await harness.configure(tenantId, weeks[tenantId]);
      // Linked as the EHR roster import links them: provider id → Practitioner id.
      await harness.query(
        `UPDATE dispatch_provider SET ehr_practitioner_id = 'prac-' || provider_id WHERE tenant_id = $1`,
        [tenantId],
      );
    }
    await harness.waitUntilConsuming(off, weeks[off].appointments[0]);
    for (const tenantId of [off, on])
      for (const appointment of weeks[tenantId].appointments)
        await harness.book(
          tenantId,
          appointment,
          'AppointmentBookedV1',
          1,
          bookedPractitionerOf(appointment),
        );
    await waitFor(
      'bookings consumed',
      60_000,
      async () =>
        (await harness.appointmentCount(on)) === weeks[on].appointments.length &&
        (await harness.appointmentCount(off)) === weeks[off].appointments.length + 1,
    );
  }, 180_000);

  afterAll(async () => {
    await harness.stop();
  });

  it('should keep the switch off by default, refuse a switch that is not a boolean and store one that is', async () => {
    const settings = { timeZone: weeks[on].timeZone, mapsMonthlyElementBudget: 1_000_000 };
    const admin = { roles: ['practice-admin'] };
    const defaults = await harness.ok<{ ehrWriteBack: boolean }>(
      'PUT',
      `/v1/tenants/${on}/dispatch-settings`,
      settings,
      admin,
    );

    const refused = await harness.request(
      'PUT',
      `/v1/tenants/${on}/dispatch-settings`,
      { ...settings, ehrWriteBack: 'yes' },
      admin,
    );
    const stored = await harness.ok<{ ehrWriteBack: boolean }>(
      'PUT',
      `/v1/tenants/${on}/dispatch-settings`,
      { ...settings, ehrWriteBack: true },
      admin,
    );

    expect(defaults.ehrWriteBack).toBe(false);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('ehrWriteBack');
    expect(stored.ehrWriteBack).toBe(true);
    expect(
      (
        await harness.ok<{ ehrWriteBack: boolean }>(
          'GET',
          `/v1/tenants/${on}/dispatch-settings`,
          undefined,
          admin,
        )
      ).ehrWriteBack,
    ).toBe(true);
  });

  it('should publish no write-back request for a tenant with the switch off', async () => {
    const plan = await harness.ok<PlanVersion>('POST', `/v1/tenants/${off}/plans`, {
      days: [day],
    });

    expect(plan.providerDays.flatMap((entry) => entry.stops).length).toBeGreaterThan(0);
    expect(await requestedAppointments(off)).toEqual([]);
  });

  it('should ask for exactly the visits whose practitioner the plan changes, and for them only once', async () => {
    await harness.ok(
      'PUT',
      `/v1/tenants/${on}/dispatch-settings`,
      { timeZone: weeks[on].timeZone, mapsMonthlyElementBudget: 1_000_000, ehrWriteBack: true },
      { roles: ['practice-admin'] },
    );
    const plan = await harness.ok<PlanVersion>('POST', `/v1/tenants/${on}/plans`, {
      days: [day],
    });
    const stops = plan.providerDays.flatMap((entry) =>
      entry.stops.map((stop) => ({ ...stop, providerId: entry.providerId })),
    );
    const kept = stops.filter((stop) => stop.visitMode === 'clinic');
    const moved = stops.filter((stop) => stop.visitMode === 'home');

    const requested = await requestedAppointments(on);
    const remembered = await harness.query<{
      appointment_id: string;
      ehr_practitioner_id: string;
      booked_ehr_practitioner_id: string;
      plan_version: number;
    }>(
      `SELECT appointment_id, ehr_practitioner_id, booked_ehr_practitioner_id, plan_version
         FROM dispatch_ehr_assignment_request WHERE tenant_id = $1`,
      [on],
    );

    expect(kept.length).toBeGreaterThan(0);
    expect(moved.length).toBeGreaterThan(0);
    expect([...requested].sort()).toEqual(moved.map((stop) => stop.appointmentId).sort());
    expect(
      remembered
        .map((row) => [row.appointment_id, row.ehr_practitioner_id, row.booked_ehr_practitioner_id])
        .sort(),
    ).toEqual(
      moved.map((stop) => [stop.appointmentId, `prac-${stop.providerId}`, ELSEWHERE]).sort(),
    );

    // A booking after the run: the next version asks for the new visit (and for any other visit
    // the re-plan moved), never again for an assignment it already asked for.
    const address = 'Late Booking Rd 1, Newark, NJ';
    harness.maps.addAddress(address, { lat: 40.74, lon: -74.17 });
    const late: SeedAppointment = {
      appointmentId: randomUUID(),
      start: new Date(`${day}T19:00:00Z`),
      durationMinutes: 45,
      typeCode: 'home-visit',
      locationId: randomUUID(),
      ehrLocationId: 'ehr-location-late-booking',
      addressLines: [address],
      givenName: 'Nora',
      familyName: 'Quinn',
    };
    await harness.book(on, late, 'AppointmentBookedV1', 1, ELSEWHERE);
    let revised: PlanVersion | null = null;
    await waitFor('plan version 2', 30_000, async () => {
      revised = await harness.ok<PlanVersion>('GET', `/v1/tenants/${on}/plans/current?day=${day}`);
      return revised.planId === plan.planId && revised.version === 2;
    });
    const v2 = revised as unknown as PlanVersion;
    const providerIn = (version: PlanVersion, appointmentId: string) =>
      version.providerDays.find((entry) =>
        entry.stops.some((stop) => stop.appointmentId === appointmentId),
      )?.providerId;
    const changedByV2 = v2.providerDays
      .flatMap((entry) => entry.stops.map((stop) => stop.appointmentId))
      .filter((appointmentId) => {
        const now = providerIn(v2, appointmentId);
        const before = providerIn(plan, appointmentId);
        const bookedHere = [...weeks[on].appointments, late].find(
          (appointment) => appointment.appointmentId === appointmentId,
        );
        const booked = bookedHere ? bookedPractitionerOf(bookedHere) : ELSEWHERE;
        // What the EHR has, or will have once the first version's request is written.
        const expected = before !== undefined && booked === ELSEWHERE ? `prac-${before}` : booked;
        return `prac-${now}` !== expected;
      });

    const afterV2 = await requestedAppointments(on);

    expect(providerIn(v2, late.appointmentId)).toBeDefined();
    expect(changedByV2).toContain(late.appointmentId);
    expect(afterV2.slice(requested.length).sort()).toEqual([...changedByV2].sort());
    expect(new Set(afterV2.slice(0, requested.length))).toEqual(new Set(requested));
  });

  it('should put a reassignment ehr-gateway could not write into the exceptions queue once', async () => {
    const appointmentId = weeks[on].appointments[0].appointmentId;
    const requestId = randomUUID();
    const failed = {
      type: 'WriteBackFailedV1' as const,
      tenantId: on,
      aggregateId: appointmentId,
      payload: {
        writeBackId: randomUUID(),
        responseId: requestId,
        appointmentId,
        ehrAppointmentId: 'ehr-appointment-1',
        action: WriteBackAction.REASSIGN,
        reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
        attempts: 1,
        failedAt: timestampFromDate(new Date()),
        httpStatus: 412,
        staffActionRequired: false,
      },
    };
    const confirmation = {
      ...failed,
      aggregateId: randomUUID(),
      payload: { ...failed.payload, responseId: randomUUID(), action: WriteBackAction.CONFIRM },
    };

    // The failure arrives twice (as a re-published event): one exception.
    const eventIds = [
      await harness.publish(Topics.EhrWriteBackV1, confirmation, 'ehr-gateway'),
      await harness.publish(Topics.EhrWriteBackV1, failed, 'ehr-gateway'),
      await harness.publish(Topics.EhrWriteBackV1, failed, 'ehr-gateway'),
    ];
    const writeBackExceptions = async () =>
      (
        await harness.ok<DispatchException[]>('GET', `/v1/tenants/${on}/exceptions?status=all`)
      ).filter((entry) => entry.kind === 'ehr-write-back-failed');
    await waitFor(
      'the failure queued',
      30_000,
      async () => (await writeBackExceptions()).length > 0,
    );
    await waitFor('every outcome consumed', 30_000, async () => {
      const [row] = await harness.query<{ count: string }>(
        `SELECT count(*) FROM inbox_event WHERE event_id = ANY($1::uuid[])`,
        [eventIds],
      );
      return Number(row.count) === eventIds.length;
    });

    expect(await writeBackExceptions()).toEqual([
      expect.objectContaining({
        kind: 'ehr-write-back-failed',
        reason: 'SUPERSEDED_BY_STAFF',
        appointmentId,
        status: 'open',
      }),
    ]);
  });
});
