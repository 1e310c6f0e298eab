import { randomUUID } from 'node:crypto';

import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { DateTime } from 'luxon';

import { Role } from '@caredispatch/auth';
import {
  EhrFhirStandIn,
  eventually,
  FhirAppointmentBuilder,
  type FhirResource,
  MAPS_STAND_IN_KEY,
  MapsStandIn,
  newWebhookSecret,
  SlackStandIn,
  Stack,
  zoneAtLocalHour,
} from '@caredispatch/testing';

import {
  postBooking,
  smsTo,
  type TenantCredentials,
  uniquePhone,
  waitForOutboxToDrain,
  waitForPipelineToSettle,
} from './support/flow';

jest.setTimeout(600_000);

interface Entry {
  readonly id: string;
  readonly status: string;
}

interface WeeklyFill {
  readonly filledFromWaitlist: number;
  readonly slotsFreed: number;
  readonly escalations: number;
}

interface Slot {
  readonly status: string;
  readonly escalationReason: string | null;
  readonly offers: readonly {
    readonly id: string;
    readonly entryId: string;
    readonly wave: number;
    readonly status: string;
  }[];
}

/**
 * Deadlines only stop a stuck pipeline from hanging the run (the broker is shared and the
 * machine may be loaded); the time from cancellation to offer text is printed, not asserted —
 * `npm run bench:waitlist` measures it.
 */
const DEADLINE_MS = 300_000;
const ROUTINE = { ROUTINE: { requiredCredentials: [], durationMinutes: 30 } };

function newTenant(): TenantCredentials {
  return { tenantId: `clinic-${randomUUID().slice(0, 8)}`, secret: newWebhookSecret() };
}

/**
 * Issue 11 with every service as a process (real Kafka and PostgreSQL, Twilio stand-in, EHR
 * stand-ins as two practices' FHIR servers with SMART auth and webhooks):
 * 1. a staff cancellation of tomorrow 10:00 in the EHR is texted to the top-ranked waitlisted
 *    patient, whose YES books them in the EHR (a new Appointment in the freed Slot); the
 *    booking's echo is their one confirmation, the entry closes, the metrics count one fill;
 *    a Slot staff take while the booking waits for the EHR → the acceptor is told, stays listed;
 * 2. 50 concurrent acceptances → one booking in the EHR, 49 "no longer available";
 * 3. a hold runs out → the next wave; all decline → one escalation with its reason;
 * 5. a staff booking of the time during an open offer → withdrawn, a later acceptance is told;
 * and a patient's "Ask for an earlier time" on their visit's page puts them on the list.
 */
describe('waitlist: freed slots offered, taken and booked in the EHR', () => {
  const main = newTenant();
  const crowd = newTenant();
  const waves = newTenant();
  const staff = newTenant();
  const earlier = newTenant();
  const timeZone = zoneAtLocalHour(12);
  const ehrOf = new Map([
    [main.tenantId, new EhrFhirStandIn()],
    [crowd.tenantId, new EhrFhirStandIn()],
  ]);
  /** Filled in beforeAll, once the EHR stand-ins listen (read by the stack at start). */
  const ehrGatewayEnvironment: Record<string, string> = {
    EHR_WRITE_BACK_POLL_INTERVAL_MS: '100',
    EHR_WRITE_BACK_RETRY_BASE_MS: '100',
    EHR_WRITE_BACK_RETRY_MAX_MS: '500',
    EHR_SLOT_POLL_INTERVAL_MS: '0',
  };
  /** The coordinators' channel (dispatch-optimizer's notifier, issue 11 "Escalation"). */
  const slack = new SlackStandIn();
  const maps = new MapsStandIn({ addresses: {} });
  const coordinators = {
    slackApiUrl: '',
    slackBotToken: slack.botToken,
    mapsApiBaseUrl: '',
    mapsApiKey: MAPS_STAND_IN_KEY,
    coordinatorSlackChannel: 'C0COORDINATORS',
  };
  const sut = new Stack({
    tenants: Object.fromEntries(
      [main, crowd, waves, staff, earlier].map((tenant) => [tenant.tenantId, tenant.secret]),
    ),
    environment: { 'ehr-gateway': ehrGatewayEnvironment },
    dispatch: coordinators,
    waitlist: {
      settings: {
        [main.tenantId]: { appointmentTypes: ROUTINE, waveSize: 1, holdMinutes: 15 },
        [crowd.tenantId]: { appointmentTypes: ROUTINE, waveSize: 50, holdMinutes: 15 },
        [waves.tenantId]: { appointmentTypes: ROUTINE, waveSize: 1, holdMinutes: 1 },
        [staff.tenantId]: { appointmentTypes: ROUTINE, waveSize: 1, holdMinutes: 15 },
        [earlier.tenantId]: { appointmentTypes: ROUTINE, waveSize: 1, holdMinutes: 15 },
      },
    },
  });

  beforeAll(async () => {
    const connections: Record<string, unknown> = {};
    const privateKeys: Record<string, string> = {};
    for (const [tenantId, ehr] of ehrOf) {
      await ehr.start();
      const keys = await generateKeyPair('RS384', { extractable: true });
      await ehr.registerClient('caredispatch-e2e', await exportJWK(keys.publicKey), 'RS384');
      connections[tenantId] = {
        fhirBaseUrl: ehr.fhirBaseUrl,
        tokenUrl: ehr.tokenUrl,
        clientId: 'caredispatch-e2e',
        keyId: 'caredispatch-e2e-key-1',
        algorithm: 'RS384',
      };
      privateKeys[tenantId] = await exportPKCS8(keys.privateKey);
    }
    ehrGatewayEnvironment.EHR_CONNECTIONS = JSON.stringify(connections);
    ehrGatewayEnvironment.EHR_PRIVATE_KEYS = JSON.stringify(privateKeys);
    coordinators.slackApiUrl = (await slack.start()).apiUrl;
    coordinators.mapsApiBaseUrl = (await maps.start()).baseUrl;
    await sut.start();
    for (const [tenantId, ehr] of ehrOf) {
      const secret = tenantId === main.tenantId ? main.secret : crowd.secret;
      ehr.setWebhookTarget(
        `${sut.service('ehr-gateway').baseUrl}/v1/tenants/${tenantId}/webhooks/fhir`,
        secret,
      );
    }
  });
  afterAll(async () => {
    await sut.stop();
    await slack.stop();
    await maps.stop();
    for (const ehr of ehrOf.values()) await ehr.stop();
  });

  function ehrFor(tenant: TenantCredentials): EhrFhirStandIn {
    const ehr = ehrOf.get(tenant.tenantId);
    if (ehr === undefined) throw new Error(`${tenant.tenantId} has no EHR stand-in`);
    return ehr;
  }

  async function waitlistApi<T>(
    tenant: TenantCredentials,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await waitlistRequest(tenant, method, path, body);
    if (response.status >= 300) {
      throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body as T;
  }

  /**
   * One call as a client makes it: a 503 (a dependency briefly unavailable on a loaded machine)
   * carries Retry-After and is tried again, like any HTTP client would. Acceptances are asked
   * once (`accept`): they must never need this.
   */
  async function waitlistRequest(
    tenant: TenantCredentials,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await waitlistRequestOnce(tenant, method, path, body);
      if (answer.status !== 503 || attempt >= 30) return answer;
      await new Promise((resolve) => setTimeout(resolve, answer.retryAfterMs));
    }
  }

  async function waitlistRequestOnce(
    tenant: TenantCredentials,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; retryAfterMs: number }> {
    const authorization = await sut.identity.authorization({
      tenantId: tenant.tenantId,
      roles: [Role.FrontDesk, Role.Coordinator],
    });
    const response = await fetch(
      `${sut.service('waitlist').baseUrl}/v1/tenants/${tenant.tenantId}/waitlist${path}`,
      {
        method,
        headers: {
          ...authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? null : (JSON.parse(text) as unknown),
      retryAfterMs: Number(response.headers.get('retry-after') ?? '1') * 1000,
    };
  }

  async function textsTo(e164: string, containing: string): Promise<string[]> {
    // Offer texts belong to an offer, not to one of this stack's appointments: no foreign filter.
    return (await smsTo(sut, e164, { onlyThisStacksAppointments: false }))
      .map((sms) => sms.body)
      .filter((body) => body.includes(containing));
  }

  function waitForText(e164: string, containing: string): Promise<string[]> {
    return eventually(
      async () => {
        const texts = await textsTo(e164, containing);
        return texts.length > 0 ? texts : undefined;
      },
      DEADLINE_MS,
      `a text containing "${containing}"`,
      100,
    );
  }

  /** The tenant's freed slots, oldest first (the waitlist's database; ids only). */
  async function slotIds(tenant: TenantCredentials): Promise<string[]> {
    const rows = await sut
      .database('waitlist')
      .query<{ id: string }>(
        'SELECT id FROM freed_slot WHERE tenant_id = $1 ORDER BY opened_at, id',
        [tenant.tenantId],
      );
    return rows.map((row) => row.id);
  }

  function waitForSlot(
    tenant: TenantCredentials,
    count: number,
    until: (slot: Slot) => boolean,
    what: string,
  ): Promise<{ id: string; slot: Slot }> {
    return eventually(
      async () => {
        const id = (await slotIds(tenant)).at(count - 1);
        if (id === undefined) return undefined;
        const slot = await waitlistApi<Slot>(tenant, 'GET', `/slots/${id}`);
        return until(slot) ? { id, slot } : undefined;
      },
      DEADLINE_MS,
      what,
      200,
    );
  }

  /** scheduling's id of the patient the EHR knows as `ehrPatientId`. */
  async function schedulingPatientId(
    tenant: TenantCredentials,
    ehrPatientId: string,
  ): Promise<string> {
    const rows = await sut
      .database('scheduling')
      .query<{ id: string }>(
        'SELECT id FROM patient WHERE tenant_id = $1 AND ehr_patient_id = $2',
        [tenant.tenantId, ehrPatientId],
      );
    const patient = rows.at(0);
    if (patient === undefined) throw new Error('scheduling does not know the patient');
    return patient.id;
  }

  /**
   * A visit as front-desk staff book it in the tenant's EHR: its patient, practitioner,
   * location and practice are the EHR's resources, the visit holds `slotId` (a Slot of its
   * own), and the EHR sends its webhook. Returns the Appointment's id.
   */
  async function bookInEhr(
    tenant: TenantCredentials,
    visit: FhirAppointmentBuilder,
    slotId: string,
  ): Promise<string> {
    const ehr = ehrFor(tenant);
    const bundle = visit.buildBundle() as { entry: { resource: FhirResource }[] };
    const resources = bundle.entry.map((entry) => entry.resource);
    const appointment = resources.find((resource) => resource.resourceType === 'Appointment');
    if (appointment === undefined) throw new Error('the builder made no Appointment');
    const people = resources.filter((resource) => resource.resourceType !== 'Appointment');
    ehr.seed(...people, {
      resourceType: 'Slot',
      id: slotId,
      schedule: { reference: 'Schedule/e2e' },
      status: 'busy',
      start: String(appointment.start),
      end: String(appointment.end),
    });
    const reference = (type: string): { reference: string } => ({
      reference: `${type}/${people.find((resource) => resource.resourceType === type)?.id ?? ''}`,
    });
    ehr.seed({
      ...appointment,
      start: new Date(String(appointment.start)).toISOString(),
      end: new Date(String(appointment.end)).toISOString(),
      slot: [{ reference: `Slot/${slotId}` }],
      participant: ['Patient', 'Practitioner', 'Location'].map((type) => ({
        actor: reference(type),
        required: 'required',
        status: 'accepted',
      })),
    });
    await ehr.staffEdit('Appointment', appointment.id, () => undefined);
    return appointment.id;
  }

  /** Active Appointments the gateway booked in the EHR (they carry an offer) starting at `start`. */
  function bookingsAt(tenant: TenantCredentials, start: DateTime): FhirResource[] {
    const ehr = ehrFor(tenant);
    const at = start.toJSDate().toISOString();
    // Every Appointment write, a create included, sends a webhook naming the Appointment.
    const ids = [...new Set(ehr.webhookDeliveries().map((delivery) => delivery.appointmentId))];
    return ids.flatMap((id) => {
      const appointment = ehr.read('Appointment', id);
      return appointment?.start === at &&
        appointment.status !== 'cancelled' &&
        Array.isArray(appointment.identifier)
        ? [appointment]
        : [];
    });
  }

  /** A practice's people for one test: a practitioner and a location of their own. */
  function practice(): { practitionerId: string; locationId: string } {
    return {
      practitionerId: `prac-${randomUUID().slice(0, 8)}`,
      locationId: `loc-${randomUUID().slice(0, 8)}`,
    };
  }

  /**
   * A patient the practice has texted before (a visit 20 days out, confirmed by SMS), who is
   * then put on the waitlist with their EHR id.
   */
  async function waitingPatient(
    tenant: TenantCredentials,
    people: { practitionerId: string; locationId: string },
    urgency: 'routine' | 'urgent' = 'urgent',
  ): Promise<{ entry: Entry; phone: { display: string; e164: string }; ehrPatientId: string }> {
    const phone = uniquePhone();
    const ehrPatientId = `pat-${randomUUID().slice(0, 8)}`;
    const localNow = DateTime.now().setZone(timeZone);
    const laterVisit = localNow.plus({ days: 20 }).set({ hour: 9, minute: 0, second: 0 });
    await bookInEhr(
      tenant,
      FhirAppointmentBuilder.booking({
        patientId: ehrPatientId,
        patientPhone: phone.display,
        ...people,
        locationTimeZone: timeZone,
        start: laterVisit.toISO() ?? '',
        end: laterVisit.plus({ minutes: 30 }).toISO() ?? '',
      }),
      `slot-${randomUUID().slice(0, 8)}`,
    );
    await waitForText(phone.e164, 'your visit is');
    const entry = await waitlistApi<Entry>(tenant, 'POST', '/entries', {
      patientId: await schedulingPatientId(tenant, ehrPatientId),
      ehrPatientId,
      appointmentTypeCode: 'ROUTINE',
      earliestDate: localNow.toISODate(),
      latestDate: localNow.plus({ days: 7 }).toISODate(),
      channels: ['sms'],
      urgency,
    });
    return { entry, phone, ehrPatientId };
  }

  /** Another patient's visit at `start` booked in the EHR, confirmed, then cancelled by staff. */
  async function freedInEhr(
    tenant: TenantCredentials,
    people: { practitionerId: string; locationId: string },
    start: DateTime,
  ): Promise<{ slotId: string; cancelledAt: number }> {
    const cancelling = uniquePhone();
    const slotId = `slot-${randomUUID().slice(0, 8)}`;
    const appointmentId = await bookInEhr(
      tenant,
      FhirAppointmentBuilder.booking({
        patientId: `pat-${randomUUID().slice(0, 8)}`,
        patientPhone: cancelling.display,
        ...people,
        locationTimeZone: timeZone,
        start: start.toISO() ?? '',
        end: start.plus({ minutes: 30 }).toISO() ?? '',
      }),
      slotId,
    );
    await waitForText(cancelling.e164, 'your visit is');
    const cancelledAt = Date.now();
    await ehrFor(tenant).staffEdit('Appointment', appointmentId, (appointment) => {
      appointment.status = 'cancelled';
    });
    expect(ehrFor(tenant).read('Slot', slotId)).toMatchObject({ status: 'free' });
    return { slotId, cancelledAt };
  }

  /** A visit posted straight to ehr-gateway's webhook (a tenant without an EHR connection). */
  async function postedVisit(
    tenant: TenantCredentials,
    start: DateTime,
    people: { practitionerId: string; locationId: string },
  ): Promise<FhirAppointmentBuilder> {
    const visit = FhirAppointmentBuilder.booking({
      patientId: `pat-${randomUUID().slice(0, 8)}`,
      patientMrn: `MRN-${randomUUID().slice(0, 8)}`,
      patientPhone: uniquePhone().display,
      ...people,
      locationTimeZone: timeZone,
      start: start.toISO() ?? '',
      end: start.plus({ minutes: 30 }).toISO() ?? '',
    });
    expect((await postBooking(sut, tenant, visit)).status).toBe(202);
    return visit;
  }

  function entryBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const localNow = DateTime.now().setZone(timeZone);
    return {
      patientId: randomUUID(),
      appointmentTypeCode: 'ROUTINE',
      earliestDate: localNow.toISODate(),
      latestDate: localNow.plus({ days: 7 }).toISODate(),
      channels: ['sms'],
      ...overrides,
    };
  }

  /**
   * The "Ask for an earlier time" button of the visit page a confirmation text links to: the
   * page as the patient's phone gets it; `press` posts the page's own form.
   */
  async function earlierTimeButton(
    confirmation: string,
  ): Promise<{ link: string; press: () => Promise<Response> }> {
    const link = /(http:\/\/\S+\/a\/[A-Za-z0-9_-]{22})(?=\s|$)/.exec(confirmation)?.[1] ?? '';
    const page = await (await fetch(link)).text();
    const form = /name="form" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const action = /<form method="post" action="([^"]*\/earlier[^"]*)">/.exec(page)?.[1] ?? '';
    const press = (): Promise<Response> =>
      fetch(new URL(action, link), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ form }).toString(),
        redirect: 'manual',
      });
    return { link, press };
  }

  /** Asked once: an acceptance is answered definitively, never with "try again" (503). */
  async function accept(
    tenant: TenantCredentials,
    offerId: string,
  ): Promise<{ status: number; body: unknown }> {
    return waitlistRequestOnce(tenant, 'POST', `/offers/${offerId}/accept`);
  }

  it('should text the top-ranked patient, book them in the EHR on YES, confirm once, close the entry and count one fill', async () => {
    const localNow = DateTime.now().setZone(timeZone);
    const tomorrowTen = localNow
      .plus({ days: 1 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const people = practice();
    const { entry, phone, ehrPatientId } = await waitingPatient(main, people);

    const { slotId: freedSlotId, cancelledAt } = await freedInEhr(main, people, tomorrowTen);
    const [offer] = await waitForText(phone.e164, 'Reply YES');
    process.stdout.write(
      `waitlist e2e: cancellation → offer text ${Date.now() - cancelledAt} ms\n`,
    );
    const when = tomorrowTen.setLocale('en-US').toFormat("ccc, LLL d 'at' h:mm a");
    expect(offer).toContain(when);

    const answered = await sut.twilio.sendInboundSms(
      `${sut.service('messaging').baseUrl}/v1/twilio/inbound`,
      { from: phone.e164, body: 'YES' },
    );
    expect(answered.status).toBe(200);

    // The EHR now holds the acceptor's booking in the freed Slot.
    const [booking] = await eventually(
      () => {
        const found = bookingsAt(main, tomorrowTen);
        return Promise.resolve(found.length > 0 ? found : undefined);
      },
      DEADLINE_MS,
      'the booking in the EHR',
      200,
    );
    expect(booking).toMatchObject({
      status: 'booked',
      slot: [{ reference: `Slot/${freedSlotId}` }],
      participant: [
        { actor: { reference: `Patient/${ehrPatientId}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${people.practitionerId}` } },
        { actor: { reference: `Location/${people.locationId}` } },
      ],
    });
    expect(ehrFor(main).read('Slot', freedSlotId)).toMatchObject({ status: 'busy' });
    // Its echo through ehr-gateway and scheduling is the patient's confirmation of the new visit.
    await eventually(
      async () => {
        const texts = (await smsTo(sut, phone.e164))
          .map((sms) => sms.body)
          .filter((text) => text.includes('your visit is') && text.includes(when));
        return texts.length > 0 ? texts : undefined;
      },
      DEADLINE_MS,
      'the confirmation of the booked visit',
      200,
    );
    const metricsPath = `/metrics?from=${localNow.minus({ days: 7 }).toISODate()}&until=${localNow.plus({ days: 7 }).toISODate()}`;
    const weeks = await eventually(
      async () => {
        const current = await waitlistApi<WeeklyFill[]>(main, 'GET', metricsPath);
        return current.some((week) => week.filledFromWaitlist > 0) ? current : undefined;
      },
      DEADLINE_MS,
      'the fill counted',
      200,
    );
    expect((await waitlistApi<Entry>(main, 'GET', `/entries/${entry.id}`)).status).toBe('booked');
    await sut.waitForConsumerToCatchUp('messaging');

    // Other stacks on the shared broker may republish this run's EHR events as their own
    // appointments (and this messaging texts them): only this stack's confirmations count.
    const confirmations = (await smsTo(sut, phone.e164))
      .map((sms) => sms.body)
      .filter((body) => body.includes('your visit is') && body.includes(when));
    expect(confirmations).toHaveLength(1);
    expect(await textsTo(phone.e164, 'you are booked')).toHaveLength(0);
    expect(await textsTo(phone.e164, 'Reply YES')).toHaveLength(1);
    expect(weeks.reduce((sum, week) => sum + week.filledFromWaitlist, 0)).toBe(1);
    expect(bookingsAt(main, tomorrowTen)).toHaveLength(1);
  });

  it('should tell an acceptor whose Slot staff took while the EHR booking waited, and keep them listed', async () => {
    const ehr = ehrFor(main);
    const start = DateTime.now()
      .setZone(timeZone)
      .plus({ days: 2 })
      .set({ hour: 11, minute: 0, second: 0, millisecond: 0 });
    const people = practice();
    const { entry, phone } = await waitingPatient(main, people);
    const { slotId } = await freedInEhr(main, people, start);
    await waitForText(phone.e164, 'Reply YES');

    // The EHR is down when the booking is first tried; front-desk staff take the Slot meanwhile.
    ehr.failAll(503);
    try {
      const seen = ehr.requests().length;
      await sut.twilio.sendInboundSms(`${sut.service('messaging').baseUrl}/v1/twilio/inbound`, {
        from: phone.e164,
        body: 'YES',
      });
      await eventually(
        () =>
          Promise.resolve(
            ehr
              .requests()
              .slice(seen)
              .find((request) => request.status === 503) ?? undefined,
          ),
        DEADLINE_MS,
        'a booking attempt while the EHR is down',
        100,
      );
      await ehr.staffEdit('Slot', slotId, (slot) => {
        slot.status = 'busy';
      });
    } finally {
      ehr.recover();
    }

    await waitForText(phone.e164, 'no longer available');
    await eventually(
      async () => {
        const current = await waitlistApi<Entry>(main, 'GET', `/entries/${entry.id}`);
        return current.status === 'open' ? current : undefined;
      },
      DEADLINE_MS,
      'the entry back on the list',
      200,
    );
    expect(bookingsAt(main, start)).toEqual([]);
  });

  it('should book exactly one of 50 patients accepting the same slot at once, and tell the 49', async () => {
    const ehr = ehrFor(crowd);
    const people = practice();
    const start = DateTime.now()
      .setZone(timeZone)
      .plus({ days: 3 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    for (let index = 0; index < 50; index += 1) {
      const ehrPatientId = `pat-${randomUUID().slice(0, 8)}`;
      ehr.seed({ resourceType: 'Patient', id: ehrPatientId, name: [{ family: 'Waiting' }] });
      await waitlistApi(crowd, 'POST', '/entries', entryBody({ ehrPatientId }));
    }
    await freedInEhr(crowd, people, start);
    const { slot } = await waitForSlot(
      crowd,
      1,
      (current) => current.offers.length === 50,
      '50 offers',
    );

    const answers = await Promise.all(slot.offers.map(({ id }) => accept(crowd, id)));

    expect(answers.filter(({ status }) => status === 503)).toEqual([]);
    expect(answers.filter(({ status }) => status === 200)).toHaveLength(1);
    const refused = answers.filter(({ status }) => status === 409);
    expect(refused).toHaveLength(49);
    for (const answer of refused) {
      expect(JSON.stringify(answer.body)).toContain('This time is no longer available');
    }
    await waitForSlot(crowd, 1, (current) => current.status === 'filled', 'the slot filled');
    expect(bookingsAt(crowd, start)).toHaveLength(1);
  });

  it('should offer the next wave when a hold runs out, and escalate once with the reason when all decline', async () => {
    const people = practice();
    const start = DateTime.now()
      .setZone(timeZone)
      .plus({ days: 3 })
      .set({ hour: 14, minute: 0, second: 0, millisecond: 0 });
    const first = await waitlistApi<Entry>(
      waves,
      'POST',
      '/entries',
      entryBody({ urgency: 'urgent' }),
    );
    const second = await waitlistApi<Entry>(waves, 'POST', '/entries', entryBody());
    const visit = await postedVisit(waves, start, people);
    await eventually(
      async () => {
        const [row] = await sut
          .database('scheduling')
          .query<{ id: string }>(
            'SELECT id FROM appointment WHERE tenant_id = $1 AND ehr_appointment_id = $2',
            [waves.tenantId, visit.appointmentId],
          );
        return row;
      },
      DEADLINE_MS,
      'the visit recorded',
      200,
    );
    expect(
      (await postBooking(sut, waves, visit.with({ versionId: '2', status: 'cancelled' }))).status,
    ).toBe(202);
    const opened = await waitForSlot(waves, 1, (slot) => slot.offers.length === 1, 'first wave');
    expect(opened.slot.offers[0]).toMatchObject({ entryId: first.id, wave: 1, status: 'open' });

    // The one-minute hold runs out (nobody answers): the second wave goes to the next patient.
    const secondWave = await waitForSlot(
      waves,
      1,
      (slot) => slot.offers.length === 2,
      'second wave',
    );
    expect(
      secondWave.slot.offers.map((offer) => [offer.entryId, offer.wave, offer.status]),
    ).toEqual([
      [first.id, 1, 'expired'],
      [second.id, 2, 'open'],
    ]);

    await waitlistApi(waves, 'POST', `/offers/${secondWave.slot.offers[1]?.id}/decline`);
    const escalated = await waitForSlot(
      waves,
      1,
      (slot) => slot.status === 'escalated',
      'the escalation',
    );
    expect(escalated.slot.escalationReason).toBe('all_declined_or_expired');
    const localNow = DateTime.now().setZone(timeZone);
    const weeks = await waitlistApi<WeeklyFill[]>(
      waves,
      'GET',
      `/metrics?from=${localNow.minus({ days: 7 }).toISODate()}&until=${localNow.plus({ days: 7 }).toISODate()}`,
    );
    expect(weeks.reduce((sum, week) => sum + week.escalations, 0)).toBe(1);

    // The coordinators hear of it once, with the slot's local time and the reason.
    const title = `Open slot not filled from the waitlist: ${start.toFormat('ccc d LLL, HH:mm')}`;
    const notices = () =>
      slack
        .messages({ channel: coordinators.coordinatorSlackChannel })
        .filter((message) => message.text === title);
    await eventually(
      () => Promise.resolve(notices().length > 0 ? true : undefined),
      DEADLINE_MS,
      'the coordinators notified',
      200,
    );
    // Everything the waitlist published has been read by dispatch and every notice sent.
    await waitForOutboxToDrain(sut, 'waitlist', DEADLINE_MS);
    await sut.waitForConsumerToCatchUp('dispatch-optimizer', DEADLINE_MS);
    await eventually(
      async () => {
        const [unsent] = await sut
          .database('dispatch-optimizer')
          .query<{ count: string }>(
            `SELECT count(*) FROM coordinator_notice WHERE state IN ('queued', 'sending')`,
          );
        return unsent.count === '0' ? true : undefined;
      },
      DEADLINE_MS,
      'every coordinator notice sent',
      200,
    );
    expect(notices()).toHaveLength(1);
    expect(JSON.stringify(notices()[0]?.blocks)).toContain('Every offer was declined or ran out');
  });

  it('should withdraw an open offer when staff book the time, and tell a later acceptance', async () => {
    const people = practice();
    const start = DateTime.now()
      .setZone(timeZone)
      .plus({ days: 4 })
      .set({ hour: 9, minute: 30, second: 0, millisecond: 0 });
    const entry = await waitlistApi<Entry>(staff, 'POST', '/entries', entryBody());
    const visit = await postedVisit(staff, start, people);
    await eventually(
      async () => {
        const [row] = await sut
          .database('scheduling')
          .query<{ id: string }>(
            'SELECT id FROM appointment WHERE tenant_id = $1 AND ehr_appointment_id = $2',
            [staff.tenantId, visit.appointmentId],
          );
        return row;
      },
      DEADLINE_MS,
      'the visit recorded',
      200,
    );
    expect(
      (await postBooking(sut, staff, visit.with({ versionId: '2', status: 'cancelled' }))).status,
    ).toBe(202);
    const { id: slotId, slot } = await waitForSlot(
      staff,
      1,
      (current) => current.offers.length === 1,
      'the offer',
    );
    expect(slot.offers[0]?.entryId).toBe(entry.id);

    // The front desk books another patient into the same time.
    await postedVisit(staff, start, people);
    await waitForSlot(staff, 1, (current) => current.status === 'filled_by_staff', 'staff fill');
    const late = await accept(staff, slot.offers[0]?.id ?? '');

    expect(late.status).toBe(409);
    expect(JSON.stringify(late.body)).toContain('This time is no longer available');
    const after = await waitlistApi<Slot>(staff, 'GET', `/slots/${slotId}`);
    expect(after.offers.map((offer) => offer.status)).toEqual(['withdrawn']);
    expect((await waitlistApi<Entry>(staff, 'GET', `/entries/${entry.id}`)).status).toBe('open');
  });
  it('should put a patient who presses "Ask for an earlier time" on their visit’s page on the list, once', async () => {
    const people = practice();
    const phone = uniquePhone();
    const ehrPatientId = `pat-${randomUUID().slice(0, 8)}`;
    const start = DateTime.now()
      .setZone(timeZone)
      .plus({ days: 10 })
      .set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    const visit = FhirAppointmentBuilder.booking({
      patientId: ehrPatientId,
      patientPhone: phone.display,
      ...people,
      locationTimeZone: timeZone,
      start: start.toISO() ?? '',
      end: start.plus({ minutes: 30 }).toISO() ?? '',
    });
    expect((await postBooking(sut, earlier, visit)).status).toBe(202);
    const [confirmation] = await waitForText(phone.e164, 'your visit is');
    const { link, press } = await earlierTimeButton(confirmation);
    const pressed = await press();
    const answer = await (await fetch(new URL(pressed.headers.get('location') ?? '', link))).text();
    const again = await press();

    expect(pressed.status).toBe(303);
    expect(answer).toContain('Thank you. You are on our list for an earlier time.');
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('You are already on our list for an earlier time.');
    const [kept] = await sut
      .database('scheduling')
      .query<{ id: string; patient_id: string }>(
        'SELECT id, patient_id FROM appointment WHERE tenant_id = $1 AND ehr_appointment_id = $2',
        [earlier.tenantId, visit.appointmentId],
      );
    const patientId = kept.patient_id;
    const entries = await eventually(
      async () => {
        const open = await waitlistApi<(Entry & { patientId: string })[]>(
          earlier,
          'GET',
          '/entries',
        );
        const theirs = open.filter((entry) => entry.patientId === patientId);
        return theirs.length > 0 ? theirs : undefined;
      },
      DEADLINE_MS,
      'the waitlist entry',
      200,
    );
    await waitForPipelineToSettle(sut, DEADLINE_MS);

    expect(await waitlistApi<Entry[]>(earlier, 'GET', '/entries')).toEqual(entries);
    expect(entries).toEqual([
      expect.objectContaining({
        patientId,
        appointmentTypeCode: 'ROUTINE',
        status: 'open',
        urgency: 'routine',
        // The consent snapshot: the EHR gave this patient's number and address with consent.
        channels: ['sms', 'email'],
        earliestDate: DateTime.now().setZone(timeZone).toISODate(),
        latestDate: start.minus({ days: 1 }).toISODate(),
        replacesAppointmentId: kept.id,
      }),
    ]);
  });
  it('should move the visit a patient keeps to the earlier time they accept: one Appointment, one confirmation, the entry closed', async () => {
    const ehr = ehrFor(main);
    const people = practice();
    const phone = uniquePhone();
    const ehrPatientId = `pat-${randomUUID().slice(0, 8)}`;
    const localNow = DateTime.now().setZone(timeZone);
    const keptStart = localNow
      .plus({ days: 12 })
      .set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    const keptId = await bookInEhr(
      main,
      FhirAppointmentBuilder.booking({
        patientId: ehrPatientId,
        patientPhone: phone.display,
        ...people,
        locationTimeZone: timeZone,
        start: keptStart.toISO() ?? '',
        end: keptStart.plus({ minutes: 30 }).toISO() ?? '',
      }),
      `slot-${randomUUID().slice(0, 8)}`,
    );
    const [confirmation] = await waitForText(phone.e164, 'your visit is');
    expect((await (await earlierTimeButton(confirmation)).press()).status).toBe(303);
    const patientId = await schedulingPatientId(main, ehrPatientId);
    const entry = await eventually(
      async () =>
        (await waitlistApi<(Entry & { patientId: string })[]>(main, 'GET', '/entries')).find(
          (open) => open.patientId === patientId,
        ),
      DEADLINE_MS,
      'the waitlist entry',
      200,
    );
    // Past the staff entries' week (an earlier test leaves one open, urgent, for any provider):
    // only this patient's entry (until the day before the kept visit) is eligible.
    const freedStart = localNow
      .plus({ days: 9 })
      .set({ hour: 14, minute: 0, second: 0, millisecond: 0 });
    const freedEnd = freedStart.plus({ minutes: 30 });
    const { slotId: freedSlotId } = await freedInEhr(main, people, freedStart);
    await waitForText(phone.e164, 'Reply YES');

    await sut.twilio.sendInboundSms(`${sut.service('messaging').baseUrl}/v1/twilio/inbound`, {
      from: phone.e164,
      body: 'YES',
    });

    // The kept Appointment itself now sits at the freed time, in the freed Slot.
    const moved = await eventually(
      () => {
        const current = ehr.read('Appointment', keptId);
        return Promise.resolve(
          current?.start === freedStart.toJSDate().toISOString() ? current : undefined,
        );
      },
      DEADLINE_MS,
      'the kept visit moved in the EHR',
      200,
    );
    expect(moved).toMatchObject({
      id: keptId,
      status: 'booked',
      end: freedEnd.toJSDate().toISOString(),
      slot: [{ reference: `Slot/${freedSlotId}` }],
      participant: [
        { actor: { reference: `Patient/${ehrPatientId}` } },
        { actor: { reference: `Practitioner/${people.practitionerId}` } },
        { actor: { reference: `Location/${people.locationId}` } },
      ],
    });
    expect(ehr.read('Slot', freedSlotId)).toMatchObject({ status: 'busy' });
    // No second Appointment for the patient: every Appointment the EHR sent a webhook for that
    // names them is the kept one (or the freed one, cancelled, of another patient).
    const theirs = [...new Set(ehr.webhookDeliveries().map((delivery) => delivery.appointmentId))]
      .map((id) => ehr.read('Appointment', id))
      .filter((appointment) =>
        JSON.stringify(appointment?.participant ?? []).includes(`Patient/${ehrPatientId}`),
      );
    expect(theirs.map((appointment) => appointment?.id)).toEqual([keptId]);
    const when = freedStart.setLocale('en-US').toFormat("ccc, LLL d 'at' h:mm a");
    await waitForText(phone.e164, 'your visit moved to');
    await eventually(
      async () => {
        const current = await waitlistApi<Entry>(main, 'GET', `/entries/${entry.id}`);
        return current.status === 'booked' ? current : undefined;
      },
      DEADLINE_MS,
      'the entry closed',
      200,
    );
    await sut.waitForConsumerToCatchUp('messaging');

    const texts = (await smsTo(sut, phone.e164)).map((sms) => sms.body);
    expect(texts.filter((text) => text.includes('your visit moved to'))).toEqual([
      expect.stringContaining(when),
    ]);
    expect(texts.filter((text) => text.includes('your visit is') && text.includes(when))).toEqual(
      [],
    );
    expect(await textsTo(phone.e164, 'cancelled')).toEqual([]);
    expect(await textsTo(phone.e164, 'no longer available')).toEqual([]);
  });
});
