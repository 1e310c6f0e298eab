import { randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';

import {
  eventually,
  FhirAppointmentBuilder,
  MAPS_STAND_IN_KEY,
  MapsStandIn,
  newWebhookSecret,
  type SeedAppointment,
  seedWeek,
  SlackStandIn,
  type SlackStandInMessage,
  Stack,
} from '@caredispatch/testing';

import { postBooking, type TenantCredentials, uniquePhone } from './support/flow';

jest.setTimeout(900_000);

interface PlanStop {
  readonly appointmentId: string;
  readonly start: string;
}
interface ProviderDay {
  readonly providerId: string;
  readonly day: string;
  readonly stops: readonly PlanStop[];
}
interface Plan {
  readonly planId: string;
  readonly version: number;
  readonly solver: { readonly checkerViolations: number };
  readonly providerDays: readonly ProviderDay[];
  readonly unserved: readonly { readonly appointmentId: string; readonly reason: string }[];
}
interface CallOutOutcome {
  readonly planVersion: number;
  readonly backupProviderIds: readonly string[];
  readonly reassignedAppointmentIds: readonly string[];
  readonly rescheduleNeededAppointmentIds: readonly string[];
}
interface DispatchException {
  readonly kind: string;
  readonly reason: string;
  readonly appointmentId: string | null;
}

const COORDINATORS = 'C0COORDINATORS';
const CITY = { city: 'Newark', state: 'NJ', postalCode: '07102', country: 'US' };

/**
 * Issue 12 acceptance as production runs it: ehr-gateway, scheduling, messaging, audit-log and
 * dispatch-optimizer as processes on the real broker and PostgreSQL; the seed's week booked
 * through signed FHIR webhooks; Slack and Maps through their stand-ins.
 * The processes run on the wall clock, so the week is in the future and the Tuesday 10:00
 * call-out is announced ahead: the visits before 10:00 are held by the re-plan, not by time.
 */
describe('dispatch end to end: signed bookings → weekly plan → Slack itineraries → call-out', () => {
  const week = seedWeek();
  const tenant: TenantCredentials = {
    tenantId: `dispatch-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const slack = new SlackStandIn();
  const maps = new MapsStandIn();
  let sut: Stack;
  let weekly: Plan;

  beforeAll(async () => {
    const { apiUrl } = await slack.start();
    const { baseUrl } = await maps.start();
    for (const [address, coordinates] of Object.entries(week.addresses))
      maps.addAddress(fullAddress(address), coordinates);
    sut = new Stack({
      tenants: { [tenant.tenantId]: tenant.secret },
      dispatch: {
        slackApiUrl: apiUrl,
        slackBotToken: slack.botToken,
        mapsApiBaseUrl: baseUrl,
        mapsApiKey: MAPS_STAND_IN_KEY,
        coordinatorSlackChannel: COORDINATORS,
      },
    });
    await sut.start();
    await configure();
  });

  afterAll(async () => {
    await sut.stop();
    await slack.stop();
    await maps.stop();
  });

  async function api<T>(
    method: string,
    path: string,
    body?: unknown,
    roles: string[] = ['coordinator'],
  ): Promise<T> {
    const response = await fetch(`${sut.service('dispatch-optimizer').baseUrl}${path}`, {
      method,
      headers: {
        ...(await sut.identity.authorization({ tenantId: tenant.tenantId, roles })),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return (text === '' ? null : JSON.parse(text)) as T;
  }

  async function configure(): Promise<void> {
    const base = `/v1/tenants/${tenant.tenantId}`;
    const admin = ['practice-admin'];
    await api(
      'PUT',
      `${base}/dispatch-settings`,
      { timeZone: week.timeZone, mapsMonthlyElementBudget: 1_000_000 },
      admin,
    );
    for (const clinic of week.clinics)
      await api('PUT', `${base}/clinics/${clinic.clinicId}`, clinic.body, admin);
    for (const rule of week.rules)
      await api('PUT', `${base}/appointment-types/${rule.typeCode}`, rule.body, admin);
    for (const provider of week.providers)
      await api('PUT', `${base}/providers/${provider.providerId}`, provider.body, admin);
  }

  /** The seed's appointment as the EHR books it: a signed FHIR Appointment webhook. */
  function booking(appointment: SeedAppointment, index: number): FhirAppointmentBuilder {
    const clinic = week.clinics.find((c) =>
      (c.body.locationIds as string[]).includes(appointment.locationId),
    );
    const [street] = (appointment.addressLines?.[0] ?? String(clinic?.body.address)).split(',');
    return FhirAppointmentBuilder.booking({
      id: `appt-${appointment.appointmentId}`,
      start: appointment.start.toISOString(),
      end: new Date(
        appointment.start.getTime() + appointment.durationMinutes * 60_000,
      ).toISOString(),
      minutesDuration: appointment.durationMinutes,
      patientId: `pat-${index}`,
      patientMrn: `MRN-${String(index).padStart(6, '0')}`,
      patientPhone: uniquePhone().display,
      patientGivenNames: [appointment.givenName],
      patientFamilyName: appointment.familyName,
      practitionerId: 'prac-seed',
      locationId: appointment.locationId,
      locationTimeZone: week.timeZone,
      locationName: clinic ? String(clinic.body.name) : 'Patient home',
      locationAddress: { line: [street.trim()], ...CITY },
      appointmentTypeCode: appointment.typeCode,
      organizationName: 'Newark Home & Clinic Care',
    });
  }

  /**
   * This stack's scheduling appointment ids of the tenant. Other engineers' stacks on the shared
   * broker may consume this run's EHR events too and publish their own copies of the bookings
   * under other ids; only ours are counted and asserted on.
   */
  async function ourAppointmentIds(): Promise<Set<string>> {
    const rows = await sut
      .database('scheduling')
      .query<{ id: string }>(`SELECT id FROM appointment WHERE tenant_id = $1`, [tenant.tenantId]);
    return new Set(rows.map((row) => row.id));
  }

  /** How many of this stack's appointments dispatch-optimizer has recorded. */
  async function dispatchAppointments(): Promise<number> {
    const ours = await ourAppointmentIds();
    const rows = await sut
      .database('dispatch-optimizer')
      .query<{ appointment_id: string }>(
        `SELECT appointment_id FROM dispatch_appointment WHERE tenant_id = $1`,
        [tenant.tenantId],
      );
    return rows.filter((row) => ours.has(row.appointment_id)).length;
  }

  function itineraryDms(): SlackStandInMessage[] {
    return slack.messages().filter((message) => message.channel !== COORDINATORS);
  }

  function dmChannelOf(providerId: string): string {
    const provider = week.providers.find((p) => p.providerId === providerId);
    const channel = (provider?.body.delivery as { channel: { slackUserId: string } }).channel;
    return slack.dmChannelOf(channel.slackUserId);
  }

  it('should plan the week booked through signed webhooks and send exactly 12 Monday–Friday itineraries', async () => {
    let index = 0;
    for (const appointment of week.appointments) {
      const accepted = await postBooking(sut, tenant, booking(appointment, index));
      expect(accepted.status).toBe(202);
      index += 1;
    }
    let recorded = 0;
    await eventually(
      async () => {
        recorded = await dispatchAppointments();
        return recorded === week.appointments.length ? true : undefined;
      },
      600_000,
      '220 bookings at dispatch-optimizer',
      1_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)} (${recorded} recorded)`);
    });

    weekly = await api<Plan>('POST', `/v1/tenants/${tenant.tenantId}/plans`, {
      days: week.days,
    });

    expect(weekly.solver.checkerViolations).toBe(0);
    const ours = await ourAppointmentIds();
    expect(
      weekly.unserved
        .filter((entry) => ours.has(entry.appointmentId))
        .map((entry) => entry.reason)
        .sort(),
    ).toEqual(['ADDRESS_NOT_GEOCODED', 'NO_CREDENTIALED_PROVIDER', 'NO_CREDENTIALED_PROVIDER']);
    await eventually(
      () => Promise.resolve(itineraryDms().length >= week.providers.length ? true : undefined),
      120_000,
      'one itinerary per provider in Slack',
    );
    const dms = itineraryDms();
    expect(dms).toHaveLength(12);
    expect(new Set(dms.map((m) => m.channel))).toEqual(
      new Set(week.providers.map((p) => dmChannelOf(p.providerId))),
    );
    for (const dm of dms) expect(dm.text).toMatch(/^Itinerary — Mon 11 Mar – Fri 15 Mar: /);
    const queue = await api<DispatchException[]>(
      'GET',
      `/v1/tenants/${tenant.tenantId}/exceptions?status=all`,
    );
    expect(
      queue
        .filter((entry) => entry.appointmentId !== null && ours.has(entry.appointmentId))
        .map((entry) => entry.reason)
        .sort(),
    ).toEqual(['ADDRESS_NOT_GEOCODED', 'NO_CREDENTIALED_PROVIDER', 'NO_CREDENTIALED_PROVIDER']);
  });

  it('should re-plan a Tuesday 10:00 call-out: changed days re-sent, backups told, patients announced, one summary', async () => {
    const tuesday = week.days[1];
    const tenOClock = DateTime.fromISO(`${tuesday}T10:00`, { zone: week.timeZone }).toJSDate();
    const tuesdays = weekly.providerDays.filter((day) => day.day === tuesday);
    const victim = tuesdays
      .filter((day) => day.providerId.startsWith('rn-'))
      .filter((day) => day.stops.some((stop) => new Date(stop.start) < tenOClock))
      .sort((a, b) => b.stops.length - a.stops.length)[0];
    const held = victim.stops.filter((stop) => new Date(stop.start) < tenOClock);
    const dmsBefore = itineraryDms().length;

    const outcome = await api<CallOutOutcome>(
      'POST',
      `/v1/tenants/${tenant.tenantId}/providers/${victim.providerId}/call-outs`,
      { from: tenOClock.toISOString(), reason: 'sick' },
    );

    const after = await api<Plan>(
      'GET',
      `/v1/tenants/${tenant.tenantId}/plans/current?day=${tuesday}`,
    );
    expect(after.version).toBe(outcome.planVersion);
    const changed = after.providerDays
      .filter((day) => {
        const before = weekly.providerDays.find(
          (d) => d.providerId === day.providerId && d.day === day.day,
        );
        return JSON.stringify(stopsOf(before)) !== JSON.stringify(stopsOf(day));
      })
      .map((day) => day.providerId);
    expect(changed).toContain(victim.providerId);
    for (const backup of outcome.backupProviderIds) expect(changed).toContain(backup);
    // The visits before 10:00 stay where they were.
    const victimAfter = after.providerDays.find(
      (day) => day.providerId === victim.providerId && day.day === tuesday,
    );
    expect(stopsOf(victimAfter)).toEqual(stopsOf({ ...victim, stops: held }));

    await eventually(
      () =>
        Promise.resolve(
          itineraryDms().length >= dmsBefore + new Set(changed).size &&
            slack.messages({ channel: COORDINATORS }).some((m) => m.text.includes('called out'))
            ? true
            : undefined,
        ),
      120_000,
      'call-out itineraries and the coordinator summary in Slack',
    );
    const deltas = itineraryDms().slice(dmsBefore);
    expect(new Set(deltas.map((m) => m.channel))).toEqual(
      new Set(changed.map((providerId) => dmChannelOf(providerId))),
    );
    expect(deltas).toHaveLength(new Set(changed).size);
    expect(deltas.every((m) => m.text.startsWith('Updated itinerary'))).toBe(true);
    expect(
      slack
        .messages({ channel: COORDINATORS })
        .filter((m) => m.text.includes('called out'))
        .map((m) => m.text),
    ).toEqual([`${String(providerOf(victim.providerId).body.displayName)} called out`]);
    const queue = await api<DispatchException[]>(
      'GET',
      `/v1/tenants/${tenant.tenantId}/exceptions?status=all`,
    );
    expect(
      queue
        .filter((entry) => entry.kind === 'patient-reschedule-needed')
        .map((entry) => entry.appointmentId)
        .sort(),
    ).toEqual([...outcome.rescheduleNeededAppointmentIds].sort());
    const [announced] = await sut
      .database('dispatch-optimizer')
      .query<{ count: string }>(
        `SELECT count(*) FROM outbox_message WHERE tenant_id = $1 AND event_type = 'PatientRescheduleNeededV1'`,
        [tenant.tenantId],
      );
    expect(Number(announced.count)).toBe(outcome.rescheduleNeededAppointmentIds.length);
  });

  function providerOf(providerId: string): (typeof week.providers)[number] {
    const provider = week.providers.find((p) => p.providerId === providerId);
    if (!provider) throw new Error(`no provider ${providerId}`);
    return provider;
  }
});

function stopsOf(day: Pick<ProviderDay, 'stops'> | undefined): string[] {
  return (day?.stops ?? []).map((stop) => `${stop.appointmentId}@${stop.start}`);
}

function fullAddress(seedAddress: string): string {
  const [street] = seedAddress.split(',');
  return `${street.trim()}, ${CITY.city}, ${CITY.state} ${CITY.postalCode}, ${CITY.country}`;
}
