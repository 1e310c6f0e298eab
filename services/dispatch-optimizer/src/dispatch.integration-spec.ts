import { randomUUID } from 'node:crypto';

import { checkSolution } from '@caredispatch/optimizer';

import { DispatchHarness, waitFor } from '../test/dispatch-harness';
import { seedWeek, type SeedAppointment } from '../test/seed-week';

import { changedProviderDays } from './plan/plan-delta';
import { joinTravelMatrix } from './plan/travel-matrix-snapshot';

import type { CallOutOutcome } from './call-outs/call-out.model';
import type { DispatchException } from './exceptions/dispatch-exception.model';
import type { PlanVersion } from './plan/plan.model';
import type { PlanInputs } from './plan/problem-builder';

/**
 * Issue 12 acceptance (plan side) against real PostgreSQL and Kafka with the Maps stand-in:
 * 1 the seed's week planned, checker-accepted, unservable visits in the exceptions queue;
 * 2/3 a later booking and a Tuesday-10:00 call-out re-plan with frozen visits kept;
 * 4 Maps failing → great-circle fallback flagged, and a warm cache bills no elements.
 */
describe('dispatch-optimizer plans (PostgreSQL + Kafka + Maps stand-in)', () => {
  const week = seedWeek();
  const tenantId = `it-${randomUUID().slice(0, 8)}`;
  // Sunday 2030-03-10 18:00 in New York: after the weekly run time, before the week.
  const other = `it-${randomUUID().slice(0, 8)}`;
  const harness = new DispatchHarness(week.addresses, new Date('2030-03-10T22:00:00Z'), [
    tenantId,
    other,
  ]);
  let weekly: PlanVersion;

  beforeAll(async () => {
    await harness.start();
    await harness.configure(tenantId, week);
    await harness.waitUntilConsuming(tenantId, week.appointments[0]);
    for (const appointment of week.appointments) await harness.book(tenantId, appointment);
    await waitFor(
      '220 bookings consumed',
      60_000,
      async () => (await harness.appointmentCount(tenantId)) === week.appointments.length + 1,
    );
  }, 180_000);

  afterAll(async () => {
    await harness.stop();
  });

  async function callOutCount(): Promise<number> {
    const [row] = await harness.query<{ count: string }>(`SELECT count(*) FROM dispatch_call_out`);
    return Number(row.count);
  }

  async function exceptions(tenant = tenantId): Promise<DispatchException[]> {
    return harness.ok<DispatchException[]>('GET', `/v1/tenants/${tenant}/exceptions?status=all`);
  }

  async function storedInputs(plan: PlanVersion): Promise<PlanInputs> {
    const [row] = await harness.query<{ inputs: PlanInputs; travel_matrix: Buffer | null }>(
      `SELECT inputs, travel_matrix FROM dispatch_plan WHERE tenant_id = $1 AND plan_id = $2 AND version = $3`,
      [plan.tenantId, plan.planId, plan.version],
    );
    return joinTravelMatrix(row.inputs, row.travel_matrix);
  }

  async function publishedEvents(type: string): Promise<number> {
    const [row] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM outbox_message WHERE tenant_id = $1 AND event_type = $2`,
      [tenantId, type],
    );
    return Number(row.count);
  }

  /** The per-day heading sections of a Slack itinerary (`*Mon 11 Mar* — …`). */
  function dayHeadings(blocks: readonly unknown[]): string[] {
    return blocks.flatMap((block) => {
      const text = (block as { type?: string; text?: { text?: unknown } }).text?.text;
      return typeof text === 'string' && /^\*(Mon|Tue|Wed|Thu|Fri) [^*]+\* — /.test(text)
        ? [text]
        : [];
    });
  }

  it('should plan the seed week so the checker accepts it, send exactly 12 Monday–Friday itineraries and list the unservable visits with reasons', async () => {
    weekly = await harness.ok<PlanVersion>('POST', `/v1/tenants/${tenantId}/plans`, {
      days: week.days,
    });

    const inputs = await storedInputs(weekly);
    expect(checkSolution(inputs.problem, inputs.solution)).toEqual([]);
    expect(weekly.version).toBe(1);
    expect(weekly.horizon.days).toEqual(week.days);
    const served = weekly.providerDays.flatMap((day) => day.stops);
    expect(served.length + weekly.unserved.length).toBe(week.appointments.length);
    // Clinics are configured by the EHR's location ids; scheduling's own uuids differ.
    expect(served.filter((candidate) => candidate.visitMode === 'clinic')).toHaveLength(
      week.appointments.filter((appointment) => appointment.typeCode === 'clinic-visit').length,
    );
    expect(new Set(weekly.providerDays.map((day) => day.providerId)).size).toBe(12);
    expect(weekly.unserved.map((entry) => entry.reason).sort()).toEqual([
      'ADDRESS_NOT_GEOCODED',
      'NO_CREDENTIALED_PROVIDER',
      'NO_CREDENTIALED_PROVIDER',
    ]);
    const stop = served.find((candidate) => candidate.visitMode === 'home');
    expect(stop?.patientDisplayName).toMatch(/^[A-Z][a-z]+ [A-Z]\.$/);
    expect(weekly.travel).toMatchObject({ source: 'google-maps', fallback: false });
    expect(weekly.travel.billedElements).toBeGreaterThan(0);
    const queue = await exceptions();
    expect(queue.map((entry) => [entry.kind, entry.reason]).sort()).toEqual([
      ['address-not-geocoded', 'ADDRESS_NOT_GEOCODED'],
      ['unserved', 'NO_CREDENTIALED_PROVIDER'],
      ['unserved', 'NO_CREDENTIALED_PROVIDER'],
    ]);
    await waitFor(
      'plan published',
      10_000,
      async () => (await publishedEvents('DispatchPlanPublishedV1')) === 1,
    );
    // Every rostered provider gets their Monday–Friday itinerary, idle ones included.
    const idle = week.providers.filter(
      (provider) =>
        !weekly.providerDays.some(
          (day) => day.providerId === provider.providerId && day.stops.length > 0,
        ),
    );
    await waitFor('one Slack itinerary per rostered provider', 30_000, () =>
      Promise.resolve(harness.slack.messages().length >= week.providers.length),
    );
    const messages = harness.slack.messages();
    expect(messages).toHaveLength(12);
    expect(new Set(messages.map((message) => message.channel)).size).toBe(12);
    for (const message of messages) expect(dayHeadings(message.blocks)).toHaveLength(5);
    expect(
      messages.filter((message) =>
        dayHeadings(message.blocks).every((heading) => heading.endsWith('— no visits')),
      ),
    ).toHaveLength(idle.length);
    // Recorded (and audited) just after Slack answered.
    await waitFor(
      'the 12 deliveries recorded',
      30_000,
      async () => (await publishedEvents('ItineraryDeliveredV1')) >= 12,
    );
    expect(await publishedEvents('ItineraryDeliveredV1')).toBe(12);
  });

  it("should answer another tenant's coordinator like a missing resource and change nothing", async () => {
    const foreign = `it-${randomUUID().slice(0, 8)}`;
    const asForeign = { tenantId: foreign, roles: ['coordinator'] };
    const missing = await harness.request(
      'GET',
      `/v1/tenants/${foreign}/plans/${randomUUID()}/versions/1`,
      undefined,
      asForeign,
    );
    const callOutsBefore = await callOutCount();

    const answers = await Promise.all([
      harness.request(
        'GET',
        `/v1/tenants/${tenantId}/plans/${weekly.planId}/versions/1`,
        undefined,
        asForeign,
      ),
      harness.request(
        'GET',
        `/v1/tenants/${tenantId}/plans/current?day=${week.days[0]}`,
        undefined,
        asForeign,
      ),
      harness.request('POST', `/v1/tenants/${tenantId}/plans`, { days: week.days }, asForeign),
      harness.request(
        'POST',
        `/v1/tenants/${tenantId}/providers/rn-1/call-outs`,
        { from: new Date('2030-03-12T15:00:00Z').toISOString(), reason: 'sick' },
        asForeign,
      ),
      harness.request('GET', `/v1/tenants/${tenantId}/exceptions`, undefined, asForeign),
    ]);

    expect(missing.status).toBe(404);
    expect(answers.slice(0, 3)).toEqual([missing, missing, missing]);
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404]);
    expect(await callOutCount()).toBe(callOutsBefore);
    expect(
      (
        await harness.ok<PlanVersion>(
          'GET',
          `/v1/tenants/${tenantId}/plans/current?day=${week.days[0]}`,
        )
      ).version,
    ).toBe(1);
  });

  it('should refuse roles that do not hold the route and requests without a token', async () => {
    const provider = { roles: ['provider'], providerId: 'rn-1' };

    const answers = await Promise.all([
      harness.request(
        'GET',
        `/v1/tenants/${tenantId}/plans/current?day=${week.days[0]}`,
        undefined,
        provider,
      ),
      harness.request('GET', `/v1/tenants/${tenantId}/exceptions`, undefined, provider),
      harness.request(
        'PUT',
        `/v1/tenants/${tenantId}/providers/rn-1`,
        {},
        { roles: ['coordinator'] },
      ),
      harness.request('GET', `/v1/tenants/${tenantId}/dispatch-settings`, undefined, {
        roles: ['coordinator'],
      }),
      fetch(`${harness.baseUrl}/v1/tenants/${tenantId}/exceptions`).then((response) => ({
        status: response.status,
      })),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 401]);
  });

  it("should show a provider their own itinerary and no one else's", async () => {
    const served = weekly.providerDays.filter((day) => day.stops.length > 0);
    const own = served[0];
    const other = served.find((day) => day.providerId !== own.providerId);
    if (!other) throw new Error('the seed week serves more than one provider');
    const asProvider = { roles: ['provider'], providerId: own.providerId };
    const path = (providerId: string, day: string) =>
      `/v1/tenants/${tenantId}/providers/${providerId}/itinerary?day=${day}`;

    const mine = await harness.request('GET', path(own.providerId, own.day), undefined, asProvider);
    const theirs = await harness.request(
      'GET',
      path(other.providerId, other.day),
      undefined,
      asProvider,
    );
    const missing = await harness.request(
      'GET',
      path(own.providerId, '2031-01-01'),
      undefined,
      asProvider,
    );

    expect(mine).toEqual({ status: 200, body: own });
    expect(theirs).toEqual(missing);
    expect(missing.status).toBe(404);
  });

  it('should apply a booking after the run as a new version and send one delta to the affected provider only', async () => {
    const wednesday = week.days[2];
    const address = 'Late Booking Rd 1, Newark, NJ';
    harness.maps.addAddress(address, { lat: 40.74, lon: -74.17 });
    const booking: SeedAppointment = {
      appointmentId: randomUUID(),
      start: new Date(`${wednesday}T16:00:00Z`),
      durationMinutes: 45,
      typeCode: 'home-visit',
      locationId: randomUUID(),
      ehrLocationId: 'ehr-location-late-booking',
      addressLines: [address],
      givenName: 'Nora',
      familyName: 'Quinn',
    };
    const messagesBefore = harness.slack.messages().length;

    await harness.book(tenantId, booking);

    let current: PlanVersion | null = null;
    await waitFor('plan version 2', 30_000, async () => {
      current = await harness.ok<PlanVersion>(
        'GET',
        `/v1/tenants/${tenantId}/plans/current?day=${wednesday}`,
      );
      return current.version === 2;
    });
    const v2 = current as unknown as PlanVersion;
    expect(v2.cause).toEqual({ kind: 'appointment-added', appointmentId: booking.appointmentId });
    const owner = v2.providerDays.find((day) =>
      day.stops.some((stop) => stop.appointmentId === booking.appointmentId),
    );
    expect(owner?.day).toBe(wednesday);
    // Every other provider-day of the week is exactly as sent.
    expect(changedProviderDays(weekly, v2)).toEqual([
      { providerId: owner?.providerId, day: wednesday },
    ]);
    const inputs = await storedInputs(v2);
    expect(checkSolution(inputs.problem, inputs.solution)).toEqual([]);
    await waitFor('the delta sent', 30_000, () =>
      Promise.resolve(harness.slack.messages().length > messagesBefore),
    );
    const deliveries = await harness.query<{
      provider_id: string;
      days: string[];
      revised: boolean;
    }>(
      `SELECT provider_id, days, revised FROM itinerary_delivery
        WHERE tenant_id = $1 AND plan_id = $2 AND plan_version = 2`,
      [tenantId, v2.planId],
    );
    expect(deliveries).toEqual([
      { provider_id: owner?.providerId, days: [wednesday], revised: true },
    ]);
    const delta = harness.slack.messages().slice(messagesBefore);
    expect(delta).toHaveLength(1);
    expect(delta[0].threadTs).toBeDefined();
    weekly = v2;
  });

  it('should re-plan a Tuesday 10:00 call-out with frozen visits kept, backups named and patients announced', async () => {
    const tuesday = week.days[1];
    const tenOClock = new Date(`${tuesday}T15:00:00Z`); // 10:00 EST
    const victim = weekly.providerDays
      .filter((day) => day.day === tuesday && day.providerId.startsWith('rn-'))
      .sort((a, b) => b.stops.length - a.stops.length)[0];
    const before = victim.stops.filter((stop) => new Date(stop.start) < tenOClock);
    harness.clock.set(tenOClock);

    const outcome = await harness.ok<CallOutOutcome>(
      'POST',
      `/v1/tenants/${tenantId}/providers/${victim.providerId}/call-outs`,
      { from: tenOClock.toISOString(), reason: 'sick' },
    );

    const after = await harness.ok<PlanVersion>(
      'GET',
      `/v1/tenants/${tenantId}/plans/current?day=${tuesday}`,
    );
    expect(after.version).toBe(outcome.planVersion);
    expect(after.cause).toMatchObject({ kind: 'call-out', providerId: victim.providerId });
    const victimDay = after.providerDays.find(
      (day) => day.providerId === victim.providerId && day.day === tuesday,
    );
    // Frozen visits do not move: same provider, same start.
    expect(
      victimDay?.stops
        .filter((stop) => new Date(stop.start) < tenOClock)
        .map((s) => [s.appointmentId, s.start]),
    ).toEqual(before.map((s) => [s.appointmentId, s.start]));
    expect(victimDay?.stops.every((stop) => new Date(stop.start) < tenOClock)).toBe(true);
    const orphaned = victim.stops
      .filter((stop) => new Date(stop.start) >= tenOClock)
      .map((s) => s.appointmentId);
    expect(orphaned.length).toBeGreaterThan(0);
    expect(
      [...outcome.reassignedAppointmentIds, ...outcome.rescheduleNeededAppointmentIds].sort(),
    ).toEqual(expect.arrayContaining(orphaned.sort()));
    for (const id of outcome.reassignedAppointmentIds.filter((id) => orphaned.includes(id))) {
      const owner = after.providerDays.find((day) =>
        day.stops.some((stop) => stop.appointmentId === id),
      );
      expect(outcome.backupProviderIds).toContain(owner?.providerId);
    }
    const queue = await exceptions();
    expect(queue.filter((entry) => entry.kind === 'call-out')).toHaveLength(1);
    expect(
      queue
        .filter((entry) => entry.kind === 'patient-reschedule-needed')
        .map((e) => e.appointmentId)
        .sort(),
    ).toEqual([...outcome.rescheduleNeededAppointmentIds].sort());
    expect(await publishedEvents('PatientRescheduleNeededV1')).toBe(
      outcome.rescheduleNeededAppointmentIds.length,
    );
    const inputs = await storedInputs(after);
    expect(checkSolution(inputs.problem, inputs.solution)).toEqual([]);
  });

  it('should refuse a call-out body naming the bad field and change nothing', async () => {
    const response = await harness.request(
      'POST',
      `/v1/tenants/${tenantId}/providers/rn-1/call-outs`,
      { from: 'tuesday', reason: 'sick' },
    );

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: { details: { issues: ['from: must be an ISO-8601 instant'] } },
    });
  });

  it('should plan with flagged great-circle estimates while Maps fails, then bill nothing from a warm cache', async () => {
    const small = seedWeek({
      clinics: 1,
      clinicians: 1,
      nurses: 2,
      clinicVisits: 2,
      homeVisits: 8,
      unservableCredential: 0,
      unresolvableAddresses: 0,
      days: 1,
      seed: 3,
    });
    for (const [address, coordinates] of Object.entries(small.addresses))
      harness.maps.addAddress(address, coordinates);
    await harness.configure(other, small);
    for (const appointment of small.appointments) await harness.book(other, appointment);
    await waitFor('bookings consumed', 30_000, async () => {
      const [row] = await harness.query<{ count: string }>(
        `SELECT count(*) FROM dispatch_appointment WHERE tenant_id = $1`,
        [other],
      );
      return Number(row.count) === small.appointments.length;
    });
    harness.maps.failAll('over-query-limit', 'distancematrix');

    const degraded = await harness.ok<PlanVersion>('POST', `/v1/tenants/${other}/plans`, {
      days: small.days,
    });

    expect(degraded.travel).toMatchObject({
      fallback: true,
      fallbackReason: 'maps-unavailable',
      billedElements: 0,
    });
    expect(degraded.unserved).toEqual([]);
    expect((await exceptions(other)).map((entry) => entry.kind)).toEqual(['travel-time-fallback']);
    const inputs = await storedInputs(degraded);
    expect(checkSolution(inputs.problem, inputs.solution)).toEqual([]);

    harness.maps.recover();
    const cold = await harness.ok<PlanVersion>('POST', `/v1/tenants/${other}/plans`, {
      days: small.days,
    });
    const callsBeforeWarm = harness.maps.calls().length;
    const warm = await harness.ok<PlanVersion>('POST', `/v1/tenants/${other}/plans`, {
      days: small.days,
    });

    expect(cold.travel).toMatchObject({ fallback: false, source: 'google-maps' });
    expect(cold.travel.billedElements).toBeGreaterThan(0);
    expect(warm.travel).toMatchObject({ fallback: false, billedElements: 0, cacheMisses: 0 });
    expect(warm.travel.cacheHits).toBeGreaterThan(0);
    expect(harness.maps.calls().length).toBe(callsBeforeWarm);
  });
});
