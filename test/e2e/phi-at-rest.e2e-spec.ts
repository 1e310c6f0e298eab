import { execFile } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { DateTime } from 'luxon';

import { Role } from '@caredispatch/auth';
import {
  eventually,
  FhirAppointmentBuilder,
  MAPS_STAND_IN_KEY,
  MapsStandIn,
  newWebhookSecret,
  type SeedAppointment,
  seedWeek,
  type ServiceName,
  SlackStandIn,
  Stack,
  zoneAtLocalHour,
} from '@caredispatch/testing';

import {
  configureSeedWeek,
  dispatchApi,
  ehrAppointmentIdOf,
  fhirBookingOf,
  schedulingIdsByEhrId,
  waitForDispatchToHold,
} from './support/dispatch-flow';
import {
  postBooking,
  settledSmsTo,
  smsTo,
  type TenantCredentials,
  uniquePhone,
  waitForPipelineToSettle,
} from './support/flow';

jest.setTimeout(600_000);

const run = promisify(execFile);
/** Every service that has a database: each one's dump is searched. */
const DUMPED: readonly ServiceName[] = [
  'ehr-gateway',
  'scheduling',
  'messaging',
  'audit-log',
  'dispatch-optimizer',
  'waitlist',
];
const COORDINATORS_CHANNEL = 'C0PHICOORDINATORS';
const ROUTINE = { ROUTINE: { requiredCredentials: [], durationMinutes: 30 } };

/** Letters only, unique per run: a hit in a dump can only be this test's patient. */
function plantedName(): string {
  const letters = [...randomBytes(8)].map((byte) => String.fromCharCode(97 + (byte % 26)));
  return `Q${letters.join('')}`;
}

/** Every spelling of a US number a reader of a dump could search for. */
function phoneSpellings(phone: { display: string; e164: string }): string[] {
  const national = phone.e164.slice(2);
  return [
    phone.e164,
    phone.e164.slice(1),
    national,
    phone.display,
    `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`,
    `${national.slice(0, 3)}.${national.slice(3, 6)}.${national.slice(6)}`,
  ];
}

async function logsOf(directory: string): Promise<string> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  const texts = await Promise.all(
    files.map((file) => readFile(join(file.parentPath, file.name), 'utf8')),
  );
  return texts.join('\n');
}

/** Text of a Slack message as a provider reads it (its blocks' text, nested or not). */
function slackText(message: { text?: string; blocks: readonly unknown[] }): string {
  return `${message.text ?? ''}\n${JSON.stringify(message.blocks)}`;
}

/**
 * Issue 8, acceptance 5, across every service: one patient — a planted name, phone, email and
 * home street — goes through all six. ehr-gateway takes the booking, scheduling records it,
 * messaging texts the confirmation, dispatch-optimizer plans the home visit and sends the
 * provider's itinerary (Slack), the waitlist lists the patient and offers them a freed slot
 * (a second text), audit-log records it all. Then every service's database is dumped with
 * pg_dump: each dump holds the tenant's rows, and none of the planted values is readable in any.
 */
describe('PHI at rest: a database dump holds no readable patient name, phone, address or message text', () => {
  const tenant: TenantCredentials = {
    tenantId: `clinic-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const week = seedWeek({
    clinics: 1,
    clinicians: 1,
    nurses: 1,
    clinicVisits: 1,
    homeVisits: 1,
    unservableCredential: 0,
    unresolvableAddresses: 0,
    days: 1,
    seed: 11,
  });
  const sunday = DateTime.fromISO(`${week.days[0]}T18:00`, { zone: week.timeZone })
    .minus({ days: 1 })
    .toJSDate();
  /** The waitlist's freed slot is in a zone where it is midday now: offers are never held for the night. */
  const slotZone = zoneAtLocalHour(12);

  const given = plantedName();
  const family = plantedName();
  const street = `${randomInt(100, 1000)} ${plantedName()} Lane`;
  const home = { lat: 40.7391, lon: -74.1702 };
  const maps = new MapsStandIn({ addresses: { ...week.addresses, [street]: home } });
  const slack = new SlackStandIn();
  let sut: Stack;

  beforeAll(async () => {
    const { apiUrl } = await slack.start();
    const { baseUrl } = await maps.start();
    sut = new Stack({
      tenants: { [tenant.tenantId]: tenant.secret },
      dispatch: {
        slackApiUrl: apiUrl,
        slackBotToken: slack.botToken,
        mapsApiBaseUrl: baseUrl,
        mapsApiKey: MAPS_STAND_IN_KEY,
        coordinatorSlackChannel: COORDINATORS_CHANNEL,
      },
      waitlist: {
        settings: {
          [tenant.tenantId]: { appointmentTypes: ROUTINE, waveSize: 1, holdMinutes: 15 },
        },
      },
      // Dispatch stands on the Sunday evening before the planned day (its weekly-run time).
      overrides: { 'dispatch-optimizer': { CLOCK_START_AT: sunday.toISOString() } },
    });
    await sut.start();
  });
  afterAll(async () => {
    await sut.stop();
    await slack.stop();
    await maps.stop();
  });

  async function waitlistApi<T>(method: string, path: string, body?: unknown): Promise<T> {
    const authorization = await sut.identity.authorization({
      tenantId: tenant.tenantId,
      roles: [Role.FrontDesk, Role.Coordinator],
    });
    const response = await fetch(
      `${sut.service('waitlist').baseUrl}/v1/tenants/${tenant.tenantId}/waitlist${path}`,
      {
        method,
        headers: { ...authorization, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  it('should keep every service working on the patient while all six database dumps and the logs stay clean', async () => {
    const phone = uniquePhone();
    const email = `${given}.${family}@example.org`.toLowerCase();
    const ehrPatientId = `pat-${randomUUID().slice(0, 8)}`;
    const planted: SeedAppointment = {
      appointmentId: randomUUID(),
      start: DateTime.fromISO(`${week.days[0]}T11:00`, { zone: week.timeZone }).toJSDate(),
      durationMinutes: 45,
      typeCode: 'home-visit',
      locationId: randomUUID(),
      ehrLocationId: 'ehr-location-patient-home',
      addressLines: [street],
      givenName: given,
      familyName: family,
    };
    await configureSeedWeek(sut, tenant.tenantId, week);

    // 1. The booking: ehr-gateway → scheduling → messaging's confirmation text.
    const booking = fhirBookingOf(week, planted, 0).with({
      patientId: ehrPatientId,
      patientPhone: phone.display,
      patientEmail: email,
      smsOptOut: false,
      organizationName: 'Harbor Family Practice',
    });
    expect((await postBooking(sut, tenant, booking)).status).toBe(202);
    const [confirmation] = await settledSmsTo(sut, phone.e164, 1);
    expect(confirmation.body).toContain('Harbor Family Practice');

    // 2. Dispatch plans the home visit and sends the provider an itinerary naming the patient.
    const appointmentId = await eventually(
      async () =>
        (await schedulingIdsByEhrId(sut, tenant.tenantId)).get(ehrAppointmentIdOf(planted)),
      120_000,
      'scheduling to record the booking',
      250,
    );
    await waitForDispatchToHold(sut, tenant.tenantId, [appointmentId]);
    const plan = await dispatchApi<{
      providerDays: { stops: { appointmentId: string; patientDisplayName: string }[] }[];
    }>(sut, tenant.tenantId, 'POST', '/plans', { days: week.days });
    const stop = plan.providerDays
      .flatMap((day) => day.stops)
      .find((candidate) => candidate.appointmentId === appointmentId);
    expect(stop?.patientDisplayName).toBe(`${given} ${family[0]}.`);
    // One itinerary per rostered provider, all sent (the plan event travels through the outbox first).
    await eventually(
      async () => {
        const rows = await sut
          .database('dispatch-optimizer')
          .query<{ state: string }>('SELECT state FROM itinerary_delivery WHERE tenant_id = $1', [
            tenant.tenantId,
          ]);
        return rows.length === week.providers.length && rows.every((row) => row.state === 'sent')
          ? rows
          : undefined;
      },
      120_000,
      'every itinerary sent',
      200,
    );
    const itineraries = slack
      .messages()
      .filter((message) => message.channel !== COORDINATORS_CHANNEL)
      .map(slackText);
    expect(itineraries.filter((text) => text.includes(`${given} ${family[0]}.`))).toHaveLength(1);

    // 3. The waitlist lists the patient and offers them a slot another patient's cancellation freed.
    const localNow = DateTime.now().setZone(slotZone);
    const [{ patient_id: patientId }] = await sut
      .database('scheduling')
      .query<{ patient_id: string }>(
        'SELECT patient_id FROM appointment WHERE tenant_id = $1 AND id = $2',
        [tenant.tenantId, appointmentId],
      );
    await waitlistApi('POST', '/entries', {
      patientId,
      appointmentTypeCode: 'ROUTINE',
      earliestDate: localNow.toISODate(),
      latestDate: localNow.plus({ days: 7 }).toISODate(),
      channels: ['sms'],
      urgency: 'urgent',
    });
    const freedStart = localNow
      .plus({ days: 1 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const other = uniquePhone();
    const freed = FhirAppointmentBuilder.booking({
      patientId: `pat-${randomUUID().slice(0, 8)}`,
      patientPhone: other.display,
      locationTimeZone: slotZone,
      start: freedStart.toISO() ?? '',
      end: freedStart.plus({ minutes: 30 }).toISO() ?? '',
    });
    expect((await postBooking(sut, tenant, freed)).status).toBe(202);
    await eventually(
      async () => (await schedulingIdsByEhrId(sut, tenant.tenantId)).get(freed.appointmentId),
      120_000,
      'scheduling to record the visit that will be cancelled',
      200,
    );
    const cancelled = freed.with({ versionId: '2', status: 'cancelled' });
    expect((await postBooking(sut, tenant, cancelled)).status).toBe(202);
    const offer = await eventually(
      async () =>
        (await smsTo(sut, phone.e164, { onlyThisStacksAppointments: false })).find((sms) =>
          sms.body.includes('Reply YES'),
        ),
      300_000,
      'the waitlist offer text',
      200,
    );
    await waitForPipelineToSettle(sut);

    // 4. Every database holds this run's data, and none of the patient's readable.
    const messageTexts = [confirmation.body, offer.body];
    const values = [given, family, email, street, ...messageTexts, ...phoneSpellings(phone)];
    const found: { service: ServiceName; readable: string[] }[] = [];
    for (const service of DUMPED) {
      const { stdout: dump } = await run('pg_dump', ['--no-owner', sut.database(service).url], {
        maxBuffer: 512 * 1024 * 1024,
      });
      // The dump does hold this run's data: the tenant's rows are there, only unreadable.
      expect({ service, holdsTenant: dump.includes(tenant.tenantId) }).toEqual({
        service,
        holdsTenant: true,
      });
      const lower = dump.toLowerCase();
      found.push({ service, readable: values.filter((v) => lower.includes(v.toLowerCase())) });
    }
    expect(found).toEqual(DUMPED.map((service) => ({ service, readable: [] })));

    const [appointmentRow] = await sut
      .database('dispatch-optimizer')
      .query<{ patient_display_name: string; address_line: string; address_key: string }>(
        `SELECT patient_display_name, address_line, address_key FROM dispatch_appointment
          WHERE tenant_id = $1 AND appointment_id = $2`,
        [tenant.tenantId, appointmentId],
      );
    expect(appointmentRow.patient_display_name).toMatch(/^phi1\./);
    expect(appointmentRow.address_line).toMatch(/^phi1\./);
    expect(appointmentRow.address_key).toMatch(/^[0-9a-f]{64}$/);

    const logs = await logsOf(sut.logDir);
    expect(logs).toContain(tenant.tenantId);
    expect(values.filter((value) => logs.includes(value))).toEqual([]);
  });
});
