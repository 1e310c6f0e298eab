import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { DateTime } from 'luxon';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

import {
  type DecodedEvent,
  decodeEvent,
  StaffInboxItemKind,
  timestampDate,
  Topics,
  WriteBackFailureReason,
} from '@caredispatch/contracts';
import {
  EhrFhirStandIn,
  eventually,
  type FhirResource,
  newWebhookSecret,
  type RecordedEhrRequest,
  Stack,
  TopicRecorder,
} from '@caredispatch/testing';

import {
  type AuditEntry,
  auditTrail,
  auditTrailWith,
  messagesOfBooking,
  smsTo,
  type TenantCredentials,
  uniquePhone,
  waitForPipelineToSettle,
  waitForSmsTo,
} from './support/flow';

jest.setTimeout(600_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHONE_VIEWPORT = { width: 390, height: 844 };
const ZONE = 'America/New_York';
const CLIENT_ID = 'caredispatch-links-e2e';
/**
 * Deadlines only stop a stuck pipeline from hanging the run (the broker and the database are
 * shared and the machine may be loaded); nothing here is timed.
 */
const DEADLINE_MS = 300_000;
/** Links stop working this long before the visit: a visit 6 hours away gets an expired link. */
const LINK_EXPIRY_BEFORE_START_MS = 12 * 3_600_000;
const ROUTINE = 'ROUTINE';
/** A visit type without reminders (the default cadence is empty). */
const WALK_IN = 'WALKIN';
const LINK = /(http:\/\/\S+\/a\/([A-Za-z0-9_-]{22}))(?=\s|$)/;
const NEUTRAL_TEXT = 'This link is not available';
const CHANGED_BY_OFFICE = 'our office changed your visit, so your answer was not applied.';
const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

function positiveFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

/**
 * Issue 10 has the EHR answer 429 and then 500 "for a minute" and a stuck token endpoint surface
 * "after N minutes" (production: EHR_WRITE_BACK_GIVE_UP_MINUTES, 60). CI runs the same cases in
 * seconds; `E2E_EHR_FAULT_WINDOW_MS=60000 E2E_EHR_WRITE_BACK_GIVE_UP_MINUTES=5` runs them as
 * written. The window is how long each fault lasts once the write-back has met it.
 */
const FAULT_WINDOW_MS = positiveFromEnv('E2E_EHR_FAULT_WINDOW_MS', 3_000);
const GIVE_UP_MINUTES = positiveFromEnv('E2E_EHR_WRITE_BACK_GIVE_UP_MINUTES', 0.3);
// Both windows back to back must end well before the write-back would give up.
if (GIVE_UP_MINUTES * 60_000 < 4 * FAULT_WINDOW_MS) {
  throw new Error(
    'E2E_EHR_WRITE_BACK_GIVE_UP_MINUTES must be at least four E2E_EHR_FAULT_WINDOW_MS',
  );
}

/** A ROUTINE visit gets one reminder text the day before. */
const REMINDER_SETTINGS = {
  limits: { smsPerDay: 1, smsPerWeek: 3 },
  typeMappings: [{ code: ROUTINE, cadence: 'day-before' }],
  cadences: {
    default: { steps: [] },
    'day-before': {
      steps: [
        {
          key: 'sms-1d',
          channel: 'sms',
          timing: { kind: 'before', minutes: 24 * 60 },
          template: 'reminder',
        },
      ],
    },
  },
};

interface SeededSlot {
  readonly id: string;
  readonly start: DateTime;
}

function localDay(daysAhead: number, hour: number): DateTime {
  return DateTime.now().setZone(ZONE).startOf('day').plus({ days: daysAhead }).set({ hour });
}

/** The practice's Slots: days 3 to 8 at 9:00, 11:00 and 14:00 local time, 30 minutes each. */
const SLOTS: readonly SeededSlot[] = [3, 4, 5, 6, 7, 8].flatMap((day) =>
  [9, 11, 14].map((hour) => ({ id: `slot-d${day}-h${hour}`, start: localDay(day, hour) })),
);

function slotAt(day: number, hour: number): SeededSlot {
  const slot = SLOTS.find((candidate) => candidate.id === `slot-d${day}-h${hour}`);
  if (!slot) throw new Error(`no seeded slot on day ${day} at ${hour}`);
  return slot;
}

function iso(at: DateTime): string {
  return at.toISO({ suppressMilliseconds: true }) ?? '';
}

function slotResource(slot: SeededSlot, status: 'free' | 'busy'): FhirResource {
  return {
    resourceType: 'Slot',
    id: slot.id,
    schedule: { reference: 'Schedule/sched-1' },
    status,
    start: iso(slot.start),
    end: iso(slot.start.plus({ minutes: 30 })),
  };
}

/** One practice as its EHR holds it: a provider and a clinic with one Schedule of free Slots. */
function practiceResources(): FhirResource[] {
  return [
    { resourceType: 'Organization', id: 'org-1', name: 'Harbor Family Practice' },
    {
      resourceType: 'Practitioner',
      id: 'prac-1',
      name: [{ family: 'Ruiz', given: ['Ana'], prefix: ['Dr.'] }],
    },
    {
      resourceType: 'Location',
      id: 'loc-1',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: ZONE }],
      name: 'Downtown',
      address: { line: ['120 Harbor St'], city: 'Boston', state: 'MA', postalCode: '02110' },
      managingOrganization: { reference: 'Organization/org-1' },
    },
    {
      resourceType: 'Schedule',
      id: 'sched-1',
      active: true,
      actor: [{ reference: 'Practitioner/prac-1' }, { reference: 'Location/loc-1' }],
      serviceType: [{ coding: [{ code: ROUTINE }] }],
    },
    ...SLOTS.map((slot) => slotResource(slot, 'free')),
  ];
}

interface Visit {
  /** The EHR's Appointment id. */
  readonly ehrId: string;
  readonly phone: { display: string; e164: string };
  readonly start: DateTime;
  /** The link the booking's confirmation text carries, as the patient receives it. */
  readonly link: string;
  readonly token: string;
}

interface Answer {
  readonly status: number;
  readonly headerNames: string;
  readonly body: string;
}

/**
 * Issue 10, acceptance 1–5 with every service as a process: the EHR stand-in (a FHIR R4 server
 * with SMART Backend Services and signed webhooks) books visits the way a front desk does,
 * ehr-gateway → scheduling → messaging text the patient a link, headless Chromium on a phone
 * viewport answers through the page, ehr-gateway writes the answer back to the EHR, and the
 * EHR's echo flows through scheduling to messaging, reminders and the waitlist (real Kafka and
 * PostgreSQL, Twilio stand-in, audit-log's query API).
 */
describe('patient links end to end: text → page in Chromium → EHR write-back', () => {
  const tenant: TenantCredentials = {
    tenantId: `links-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const ehr = new EhrFhirStandIn();
  /** What ehr-gateway and messaging publish about write-backs: the outcomes and staff items. */
  const published = new TopicRecorder(KAFKA_BROKERS);
  let sut: Stack;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    await ehr.start();
    ehr.seed(...practiceResources());
    const keys = await generateKeyPair('RS384', { extractable: true });
    await ehr.registerClient(CLIENT_ID, await exportJWK(keys.publicKey), 'RS384');
    sut = new Stack({
      tenants: { [tenant.tenantId]: tenant.secret },
      // Five services start at once on a small shared machine.
      readyTimeoutMs: 180_000,
      waitlist: {
        settings: {
          [tenant.tenantId]: {
            appointmentTypes: { [ROUTINE]: { requiredCredentials: [], durationMinutes: 30 } },
            waveSize: 1,
            holdMinutes: 15,
          },
        },
      },
      overrides: {
        'ehr-gateway': {
          EHR_CONNECTIONS: JSON.stringify({
            [tenant.tenantId]: {
              fhirBaseUrl: ehr.fhirBaseUrl,
              tokenUrl: ehr.tokenUrl,
              clientId: CLIENT_ID,
              keyId: `${CLIENT_ID}-key-1`,
              algorithm: 'RS384',
            },
          }),
          EHR_PRIVATE_KEYS: JSON.stringify({
            [tenant.tenantId]: await exportPKCS8(keys.privateKey),
          }),
          EHR_WRITE_BACK_POLL_INTERVAL_MS: '100',
          EHR_WRITE_BACK_RETRY_BASE_MS: '100',
          EHR_WRITE_BACK_RETRY_MAX_MS: '1000',
          EHR_WRITE_BACK_GIVE_UP_MINUTES: String(GIVE_UP_MINUTES),
          EHR_SLOT_POLL_INTERVAL_MS: '1000',
        },
        messaging: {
          REMINDER_SETTINGS: JSON.stringify({ [tenant.tenantId]: REMINDER_SETTINGS }),
          LINK_EXPIRY_BEFORE_START_MS: String(LINK_EXPIRY_BEFORE_START_MS),
          // A thousand guesses come from one address: the per-IP limit is lifted (per link stays).
          LINK_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
        },
      },
    });
    await sut.start();
    ehr.setWebhookTarget(
      `${sut.service('ehr-gateway').baseUrl}/v1/tenants/${tenant.tenantId}/webhooks/fhir`,
      tenant.secret,
    );
    // The first booking after start-up crosses fresh consumer groups, which can take a while
    // on a loaded machine: one visit warms the pipeline up before the tests book theirs.
    // The recorder joins its group meanwhile (it reads only what is published from now on).
    await Promise.all([
      book({ start: localDay(10, 10), type: WALK_IN }),
      published.start([Topics.EhrWriteBackV1, Topics.MessagingStaffInboxV1], false),
    ]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 600_000);

  afterAll(async () => {
    await browser.close();
    await published.stop();
    await sut.stop();
    await ehr.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({
      viewport: PHONE_VIEWPORT,
      isMobile: true,
      hasTouch: true,
      locale: 'en-US',
    });
  });

  afterEach(async () => {
    await context.close();
  });

  /**
   * The front desk books a visit in the EHR (a new Patient, the Appointment in `slot` or at
   * `start`); the EHR sends its webhook; returns the link of the confirmation text.
   */
  async function book(options: {
    slot?: SeededSlot;
    start?: DateTime;
    type?: string;
  }): Promise<Visit> {
    const phone = uniquePhone();
    const suffix = randomUUID().slice(0, 8);
    const patientId = `pat-${suffix}`;
    const ehrId = `appt-${suffix}`;
    const start = options.slot?.start ?? options.start;
    if (!start) throw new Error('a visit needs a slot or a start');
    ehr.seed({
      resourceType: 'Patient',
      id: patientId,
      name: [{ use: 'official', family: 'Rivera', given: ['Maria'] }],
      telecom: [{ system: 'phone', value: phone.display, use: 'mobile' }],
    });
    if (options.slot) ehr.seed(slotResource(options.slot, 'busy'));
    ehr.seed({
      resourceType: 'Appointment',
      id: ehrId,
      status: 'booked',
      appointmentType: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v2-0276',
            code: options.type ?? ROUTINE,
          },
        ],
      },
      start: iso(start),
      end: iso(start.plus({ minutes: 30 })),
      minutesDuration: 30,
      ...(options.slot ? { slot: [{ reference: `Slot/${options.slot.id}` }] } : {}),
      participant: [
        {
          actor: { reference: `Patient/${patientId}` },
          required: 'required',
          status: 'needs-action',
        },
        { actor: { reference: 'Practitioner/prac-1' }, required: 'required', status: 'accepted' },
        { actor: { reference: 'Location/loc-1' }, required: 'required', status: 'accepted' },
      ],
    });
    // Saving the booking sends the EHR's signed webhook, as every change does.
    await ehr.staffEdit('Appointment', ehrId, () => undefined);
    expect(ehr.webhookDeliveries().filter((hook) => hook.appointmentId === ehrId)).toEqual([
      expect.objectContaining({ status: 202 }),
    ]);
    const [confirmation] = await waitForSmsTo(sut, phone.e164, 1, DEADLINE_MS);
    const match = LINK.exec(confirmation.body);
    if (!match?.[1] || !match[2]) throw new Error('the confirmation text carries no link');
    return { ehrId, phone, start, link: match[1], token: match[2] };
  }

  async function openOnPhone(url: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  function appointment(ehrId: string): FhirResource {
    const stored = ehr.read('Appointment', ehrId);
    if (!stored) throw new Error(`Appointment/${ehrId} is not in the EHR`);
    return stored;
  }

  function patientStatus(resource: FhirResource): unknown {
    const participants = (resource.participant ?? []) as {
      actor: { reference: string };
      status: string;
    }[];
    return participants.find((entry) => entry.actor.reference.startsWith('Patient/'))?.status;
  }

  /** Updates of the Appointment the EHR accepted (a rejected 412 would not count). */
  function appointmentUpdates(ehrId: string): number {
    return ehr
      .requests()
      .filter(
        (request) =>
          request.method === 'PUT' &&
          request.path === `/fhir/Appointment/${ehrId}` &&
          request.status === 200,
      ).length;
  }

  /** The statuses the EHR answered to PUTs of the Appointment, in order. */
  function appointmentWrites(ehrId: string): number[] {
    return ehr
      .requests()
      .filter(
        (request) => request.method === 'PUT' && request.path === `/fhir/Appointment/${ehrId}`,
      )
      .map((request) => request.status);
  }

  function tokenRequests(): RecordedEhrRequest[] {
    return ehr.requests().filter((request) => request.path === '/auth/token');
  }

  /** This tenant's events on the recorded topics, decoded. */
  function publishedEvents(): DecodedEvent[] {
    return published
      .messages()
      .filter((message) => message.headers['tenant-id'] === tenant.tenantId)
      .map((message) => decodeEvent(message.value));
  }

  /** ehr-gateway's outcomes (WriteBackSucceededV1 / WriteBackFailedV1) for the Appointment. */
  function writeBackOutcomes(
    ehrId: string,
  ): DecodedEvent<'WriteBackSucceededV1' | 'WriteBackFailedV1'>[] {
    return publishedEvents().flatMap((event) =>
      (event.type === 'WriteBackSucceededV1' || event.type === 'WriteBackFailedV1') &&
      event.payload.ehrAppointmentId === ehrId
        ? [event]
        : [],
    );
  }

  function staffInboxItems(): DecodedEvent<'StaffInboxItemV1'>[] {
    return publishedEvents().flatMap((event) => (event.type === 'StaffInboxItemV1' ? [event] : []));
  }

  function firstWriteBackOutcome(
    ehrId: string,
  ): Promise<DecodedEvent<'WriteBackSucceededV1' | 'WriteBackFailedV1'>> {
    return eventually(
      () => Promise.resolve(writeBackOutcomes(ehrId).at(0)),
      DEADLINE_MS,
      `the write-back outcome for ${ehrId}`,
    );
  }

  /**
   * Keeps the EHR answering `status` to every FHIR call for FAULT_WINDOW_MS, counted from the
   * first call of the write-back for `ehrId` that met it (its read of the Appointment).
   */
  async function holdFault(ehrId: string, status: number): Promise<void> {
    ehr.failAll(status);
    await eventually(
      () =>
        Promise.resolve(
          ehr
            .requests()
            .some(
              (request) =>
                request.path === `/fhir/Appointment/${ehrId}` && request.status === status,
            )
            ? true
            : undefined,
        ),
      DEADLINE_MS,
      `the write-back for ${ehrId} meeting ${status}`,
    );
    await delay(FAULT_WINDOW_MS);
  }

  /**
   * Taps Confirm and waits for the answer to be taken (the page's 303); then, unless `banner` is false, for the
   * page it redirects to. A test whose write-back revokes the links (the office moved the visit) passes false:
   * the redirected page may already find its link revoked, which is that test's point, not a failure.
   */
  async function confirmOnPhone(visit: Visit, banner = true): Promise<void> {
    const page = await openOnPhone(visit.link);
    const answered = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        new URL(response.url()).pathname.endsWith('/confirm'),
    );
    await page.getByRole('button', { name: 'Confirm' }).tap();
    expect((await answered).status()).toBe(303);
    if (banner) await page.getByText('Thank you. Your visit is confirmed.').waitFor();
  }

  /** Waits until the EHR's echo of our own write went through the whole pipeline. */
  async function settle(): Promise<void> {
    await ehr.settleWebhooks();
    await waitForPipelineToSettle(sut, DEADLINE_MS);
  }

  function ofType(trail: readonly AuditEntry[], eventType: string): AuditEntry[] {
    return trail.filter((entry) => entry.eventType === eventType);
  }

  /** True when `ancestorId` is on the causation chain of `entry`. */
  function causedBy(trail: readonly AuditEntry[], entry: AuditEntry, ancestorId: string): boolean {
    const byId = new Map(trail.map((candidate) => [candidate.eventId, candidate]));
    let cause = entry.causationId;
    while (cause !== null) {
      if (cause === ancestorId) return true;
      cause = byId.get(cause)?.causationId ?? null;
    }
    return false;
  }

  async function reminders(
    visit: Visit,
  ): Promise<{ revision: number; state: string; dueAt: string }[]> {
    const rows = await messagesOfBooking<{
      revision: number;
      purpose: string;
      state: string;
      next_attempt_at: Date;
    }>(sut, tenant.tenantId, visit.ehrId, 'revision, purpose, state, next_attempt_at');
    return rows
      .filter((row) => row.purpose === 'reminder')
      .sort((a, b) => a.revision - b.revision)
      .map((row) => ({
        revision: row.revision,
        state: row.state,
        dueAt: row.next_attempt_at.toISOString(),
      }));
  }

  async function answerOf(response: Response): Promise<Answer> {
    return {
      status: response.status,
      headerNames: [...response.headers.keys()].sort().join(','),
      body: await response.text(),
    };
  }

  function pageUrl(token: string, action = ''): string {
    return `${sut.service('messaging').baseUrl}/a/${token}${action}`;
  }

  function postForm(url: string, form: Record<string, string>): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
  }

  /** What a page view or an answer leaves in messaging: access records, answers (counts). */
  async function pageTraces(): Promise<{ opened: number; responded: number; answers: number }> {
    const [row] = await sut.database('messaging').query<{
      opened: string;
      responded: string;
      answers: string;
    }>(
      `SELECT (SELECT count(*) FROM outbox_message
                WHERE tenant_id = $1 AND event_type = 'PhiAccessedV1') AS opened,
              (SELECT count(*) FROM outbox_message
                WHERE tenant_id = $1 AND event_type = 'PatientRespondedV1') AS responded,
              (SELECT count(*) FROM patient_response WHERE tenant_id = $1) AS answers`,
      [tenant.tenantId],
    );
    return {
      opened: Number(row.opened),
      responded: Number(row.responded),
      answers: Number(row.answers),
    };
  }

  it('should confirm with one tap: the EHR shows the patient accepted, once, and the trail shows the link opened, the answer and the write-back', async () => {
    const visit = await book({ slot: slotAt(3, 9) });
    const booked = appointment(visit.ehrId);
    const traces = await pageTraces();

    // A scanner prefetches the link from the text: a GET, no browser, nothing changes.
    const prefetch = await fetch(visit.link, { redirect: 'manual' });
    expect(prefetch.status).toBe(200);
    expect(await prefetch.text()).toContain('Confirm');
    const opened = await auditTrailWith(
      sut,
      tenant.tenantId,
      visit.ehrId,
      ['PhiAccessedV1'],
      DEADLINE_MS,
    );
    expect(ofType(opened, 'PhiAccessedV1').map((entry) => entry.aggregateId)).toEqual([
      expect.stringMatching(/^patient-link:[0-9a-f-]{36}$/),
    ]);
    expect(ofType(opened, 'PatientRespondedV1')).toEqual([]);
    expect(appointment(visit.ehrId)).toEqual(booked);
    expect(appointmentUpdates(visit.ehrId)).toBe(0);
    expect(await pageTraces()).toEqual({ ...traces, opened: traces.opened + 1 });

    const page = await openOnPhone(visit.link);
    await page.getByRole('button', { name: 'Confirm' }).tap();
    await page.getByText('Thank you. Your visit is confirmed.').waitFor();
    await auditTrailWith(
      sut,
      tenant.tenantId,
      visit.ehrId,
      ['PatientRespondedV1', 'WriteBackSucceededV1'],
      DEADLINE_MS,
    );
    await settle();

    const confirmed = appointment(visit.ehrId);
    expect(patientStatus(confirmed)).toBe('accepted');
    expect(confirmed.status).toBe('booked');
    expect(confirmed.start).toBe(booked.start);
    expect(appointmentUpdates(visit.ehrId)).toBe(1);
    // The EHR's webhook for its new version is our own echo: no second confirmation.
    expect(
      ehr.webhookDeliveries().filter((hook) => hook.appointmentId === visit.ehrId),
    ).toHaveLength(2);
    expect(await smsTo(sut, visit.phone.e164)).toHaveLength(1);
    const trail = await auditTrail(sut, tenant.tenantId, visit.ehrId);
    const [response] = ofType(trail, 'PatientRespondedV1');
    const [written] = ofType(trail, 'WriteBackSucceededV1');
    expect(ofType(trail, 'PatientRespondedV1')).toHaveLength(1);
    expect(ofType(trail, 'WriteBackSucceededV1')).toHaveLength(1);
    expect(causedBy(trail, written, response.eventId)).toBe(true);
    expect(ofType(trail, 'PhiAccessedV1').length).toBeGreaterThanOrEqual(2);
    expect(ofType(trail, 'EhrAppointmentRescheduledV1')).toEqual([]);
  });

  it('should move the visit to the free slot picked on the page: the EHR, one "moved to" text, the old link and the reminders follow', async () => {
    const oldSlot = slotAt(4, 11);
    const visit = await book({ slot: oldSlot });
    expect(await reminders(visit)).toEqual([
      {
        revision: 1,
        state: 'queued',
        dueAt: oldSlot.start
          .minus({ minutes: 24 * 60 })
          .toUTC()
          .toISO(),
      },
    ]);

    const page = await openOnPhone(visit.link);
    await page.getByRole('link', { name: 'Change time' }).tap();
    await page.getByRole('heading', { name: 'Choose a new time' }).waitFor();
    const choice = page.getByRole('radio').first();
    const chosenId = await choice.getAttribute('value');
    const chosen = SLOTS.find((slot) => slot.id === chosenId);
    if (!chosen) throw new Error(`the page offered ${chosenId ?? 'nothing'}, not a seeded slot`);
    await choice.check();
    await page.getByRole('button', { name: 'Move my visit to this time' }).tap();
    await page.getByRole('heading', { name: 'We are moving your visit' }).waitFor();

    const moved = await eventually(
      () => {
        const current = appointment(visit.ehrId);
        return Promise.resolve(
          Date.parse(String(current.start)) === chosen.start.toMillis() ? current : undefined,
        );
      },
      DEADLINE_MS,
      'the EHR showing the new time',
    );
    await waitForSmsTo(sut, visit.phone.e164, 2, DEADLINE_MS);
    await auditTrailWith(
      sut,
      tenant.tenantId,
      visit.ehrId,
      ['AppointmentRescheduledV1'],
      DEADLINE_MS,
    );
    await settle();

    expect(Date.parse(String(moved.end))).toBe(chosen.start.plus({ minutes: 30 }).toMillis());
    expect(moved.slot).toEqual([{ reference: `Slot/${chosen.id}` }]);
    expect(ehr.read('Slot', chosen.id)?.status).toBe('busy');
    expect(ehr.read('Slot', oldSlot.id)?.status).toBe('free');
    expect(appointmentUpdates(visit.ehrId)).toBe(1);
    const texts = await smsTo(sut, visit.phone.e164);
    expect(texts).toHaveLength(2);
    const localNew = chosen.start.setLocale('en-US');
    expect(texts[1]?.body).toContain(
      `your visit moved to ${localNew.toFormat("ccc, LLL d 'at' h:mm a")}`,
    );
    expect(texts.filter((text) => text.body.includes('moved to'))).toHaveLength(1);

    // The old link shows the visit as it is now; the new text's link is the one that works.
    const old = await openOnPhone(visit.link);
    await old.getByRole('heading', { name: 'This appointment has changed' }).waitFor();
    expect(await old.textContent('body')).toContain(localNew.toFormat("cccc, LLLL d 'at' h:mm a"));
    expect(await old.locator('form').count()).toBe(0);
    const newLink = LINK.exec(texts[1]?.body ?? '')?.[1] ?? '';
    expect(newLink).not.toBe(visit.link);
    const current = await openOnPhone(newLink);
    await current.getByRole('button', { name: 'Confirm' }).waitFor();

    // The pending reminder moved with the visit.
    expect(await reminders(visit)).toEqual([
      {
        revision: 1,
        state: 'cancelled',
        dueAt: oldSlot.start
          .minus({ minutes: 24 * 60 })
          .toUTC()
          .toISO(),
      },
      {
        revision: 2,
        state: 'queued',
        dueAt: chosen.start
          .minus({ minutes: 24 * 60 })
          .toUTC()
          .toISO(),
      },
    ]);
  });

  it('should cancel through the page: the EHR cancels, nothing more is texted and the freed time reaches the waitlist', async () => {
    const slot = slotAt(5, 14);
    const visit = await book({ slot });

    const page = await openOnPhone(visit.link);
    await page.getByRole('link', { name: 'Cancel visit' }).tap();
    await page.getByRole('heading', { name: 'Cancel this visit?' }).waitFor();
    await page.getByLabel('I have no way to get there').check();
    await page.getByRole('button', { name: 'Yes, cancel my visit' }).tap();
    await page.getByRole('heading', { name: 'Your visit is cancelled' }).waitFor();
    const trail = await auditTrailWith(
      sut,
      tenant.tenantId,
      visit.ehrId,
      [
        'PatientRespondedV1',
        'WriteBackSucceededV1',
        'AppointmentCancelledV1',
        'WaitlistSlotOpenedV1',
      ],
      DEADLINE_MS,
    );
    await settle();

    const cancelled = appointment(visit.ehrId);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelationReason).toMatchObject({ coding: [{ code: 'pat' }] });
    expect(ehr.read('Slot', slot.id)?.status).toBe('free');
    expect(appointmentUpdates(visit.ehrId)).toBe(1);
    expect(await smsTo(sut, visit.phone.e164)).toHaveLength(1);
    expect((await reminders(visit)).map((row) => row.state)).toEqual(['cancelled']);
    // The answer caused the cancellation (the EHR's echo of our write), which the waitlist
    // consumed: it opened the freed time and announced it.
    const [response] = ofType(trail, 'PatientRespondedV1');
    expect(
      ofType(trail, 'AppointmentCancelledV1').some((cancellation) =>
        causedBy(trail, cancellation, response.eventId),
      ),
    ).toBe(true);
    // …and the announcement names that chain: opened ← cancelled ← … ← the patient's answer.
    expect(
      ofType(trail, 'WaitlistSlotOpenedV1').some((opened) =>
        causedBy(trail, opened, response.eventId),
      ),
    ).toBe(true);
    const [{ id: appointmentId }] = await sut
      .database('scheduling')
      .query<{ id: string }>(
        'SELECT id FROM appointment WHERE tenant_id = $1 AND ehr_appointment_id = $2',
        [tenant.tenantId, visit.ehrId],
      );
    expect(
      await sut
        .database('waitlist')
        .query('SELECT start_at FROM freed_slot WHERE freed_by_appointment_id = $1', [
          appointmentId,
        ]),
    ).toEqual([{ start_at: slot.start.toJSDate() }]);
    // The patient who cancelled still sees their done page.
    const again = await openOnPhone(visit.link);
    await again.getByRole('heading', { name: 'Your visit is cancelled' }).waitFor();
  });

  it('should confirm once for a double tap', async () => {
    const visit = await book({ slot: slotAt(6, 9) });
    const html = await (await fetch(visit.link)).text();
    const form = /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const traces = await pageTraces();

    const taps = await Promise.all([
      postForm(pageUrl(visit.token, '/confirm'), { form }),
      postForm(pageUrl(visit.token, '/confirm'), { form }),
    ]);
    await auditTrailWith(sut, tenant.tenantId, visit.ehrId, ['WriteBackSucceededV1'], DEADLINE_MS);
    await settle();

    expect(taps.map((tap) => tap.status)).toEqual([303, 303]);
    expect(await pageTraces()).toEqual({
      opened: traces.opened,
      responded: traces.responded + 1,
      answers: traces.answers + 1,
    });
    expect(patientStatus(appointment(visit.ehrId))).toBe('accepted');
    expect(appointmentUpdates(visit.ehrId)).toBe(1);
    const trail = await auditTrail(sut, tenant.tenantId, visit.ehrId);
    expect(ofType(trail, 'PatientRespondedV1')).toHaveLength(1);
    expect(ofType(trail, 'WriteBackSucceededV1')).toHaveLength(1);
  });

  it('should give expired, revoked and forged tokens and 1,000 random ones the same neutral page, and record nothing', async () => {
    const expiring = await book({
      start: DateTime.now().setZone(ZONE).plus({ hours: 6 }).startOf('minute'),
      type: WALK_IN,
    });
    const revoked = await book({ slot: slotAt(6, 11) });
    await ehr.staffEdit('Appointment', revoked.ehrId, (resource) => {
      resource.status = 'cancelled';
    });
    await auditTrailWith(
      sut,
      tenant.tenantId,
      revoked.ehrId,
      ['AppointmentCancelledV1'],
      DEADLINE_MS,
    );
    await settle();
    const forged = `${revoked.token.slice(0, 21)}${revoked.token.endsWith('A') ? 'B' : 'A'}`;
    const reference = await answerOf(await fetch(pageUrl(randomBytes(16).toString('base64url'))));
    const traces = await pageTraces();

    const known = await Promise.all(
      [expiring.link, revoked.link, pageUrl(forged)].map(async (url) =>
        answerOf(await fetch(url, { redirect: 'manual' })),
      ),
    );
    const guesses = new Set<string>();
    for (let batch = 0; batch < 20; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const token = randomBytes(16).toString('base64url');
          const response =
            batch % 2 === 0
              ? await fetch(pageUrl(token), { redirect: 'manual' })
              : await postForm(pageUrl(token, '/confirm'), { form: '1.x' });
          return JSON.stringify(await answerOf(response));
        }),
      );
      for (const answer of answers) guesses.add(answer);
    }

    expect(reference.status).toBe(404);
    expect(reference.body).toContain(NEUTRAL_TEXT);
    expect(known).toEqual([reference, reference, reference]);
    expect([...guesses]).toEqual([JSON.stringify(reference)]);
    expect(await pageTraces()).toEqual(traces);
  });

  describe('EHR faults (acceptance 5)', () => {
    it('should let a staff change saved between the write-back’s read and its write win: the EHR keeps it, the patient is told, staff get nothing to do', async () => {
      const visit = await book({ slot: slotAt(7, 9) });
      const staffSlot = slotAt(8, 14);
      // The front desk moves the visit while the gateway holds the version it read.
      ehr.staffEditBeforeNextUpdate('Appointment', visit.ehrId, (resource) => {
        resource.start = iso(staffSlot.start);
        resource.end = iso(staffSlot.start.plus({ minutes: 30 }));
        resource.slot = [{ reference: `Slot/${staffSlot.id}` }];
      });

      // The write-back's 412 leads to the reschedule that revokes the links: the redirect may land after it.
      await confirmOnPhone(visit, false);
      const outcome = await firstWriteBackOutcome(visit.ehrId);
      await auditTrailWith(
        sut,
        tenant.tenantId,
        visit.ehrId,
        ['PatientRespondedV1', 'WriteBackFailedV1', 'AppointmentRescheduledV1'],
        DEADLINE_MS,
      );
      const notice = await eventually(
        async () =>
          (await smsTo(sut, visit.phone.e164)).find((text) =>
            text.body.includes(CHANGED_BY_OFFICE),
          ),
        DEADLINE_MS,
        'the patient told that the office changed the visit',
      );
      await settle();

      expect(outcome).toMatchObject({
        type: 'WriteBackFailedV1',
        payload: {
          reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
          staffActionRequired: false,
        },
      });
      expect(writeBackOutcomes(visit.ehrId)).toHaveLength(1);
      // One write, on the version read: refused (412); after the re-read nothing was written.
      expect(appointmentWrites(visit.ehrId)).toEqual([412]);
      const kept = appointment(visit.ehrId);
      expect(Date.parse(String(kept.start))).toBe(staffSlot.start.toMillis());
      expect(kept.slot).toEqual([{ reference: `Slot/${staffSlot.id}` }]);
      expect(patientStatus(kept)).toBe('needs-action');
      // Told once, with a link that shows the visit at the office's time.
      const texts = await smsTo(sut, visit.phone.e164);
      expect(texts.filter((text) => text.body.includes(CHANGED_BY_OFFICE))).toHaveLength(1);
      const noticeLink = LINK.exec(notice.body)?.[1] ?? '';
      expect(noticeLink).not.toBe(visit.link);
      const current = await openOnPhone(noticeLink);
      expect(await current.textContent('body')).toContain(
        staffSlot.start.setLocale('en-US').toFormat("cccc, LLLL d 'at' h:mm a"),
      );
      const trail = await auditTrail(sut, tenant.tenantId, visit.ehrId);
      const [response] = ofType(trail, 'PatientRespondedV1');
      const [failed] = ofType(trail, 'WriteBackFailedV1');
      expect(causedBy(trail, failed, response.eventId)).toBe(true);
      expect(ofType(trail, 'WriteBackSucceededV1')).toEqual([]);
      expect(ofType(trail, 'StaffInboxItemV1')).toEqual([]);
    });

    it('should write the answer back once after the EHR answered 429 and then 500 for a while, with nothing for staff', async () => {
      const visit = await book({ slot: slotAt(7, 11) });

      try {
        ehr.failAll(429);
        await confirmOnPhone(visit);
        await holdFault(visit.ehrId, 429);
        await holdFault(visit.ehrId, 500);
      } finally {
        ehr.recover();
      }
      const outcome = await firstWriteBackOutcome(visit.ehrId);
      await auditTrailWith(
        sut,
        tenant.tenantId,
        visit.ehrId,
        ['PatientRespondedV1', 'WriteBackSucceededV1'],
        DEADLINE_MS,
      );
      await settle();

      // Every failed attempt stopped at its read of the Appointment; the last one wrote.
      const faultedReads = ehr
        .requests()
        .filter(
          (request) =>
            request.method === 'GET' &&
            request.path === `/fhir/Appointment/${visit.ehrId}` &&
            request.status !== 200,
        )
        .map((request) => request.status);
      expect([...new Set(faultedReads)]).toEqual([429, 500]);
      expect(outcome).toMatchObject({
        type: 'WriteBackSucceededV1',
        payload: { attempts: faultedReads.length + 1, alreadyApplied: false },
      });
      expect(writeBackOutcomes(visit.ehrId)).toHaveLength(1);
      expect(appointmentWrites(visit.ehrId)).toEqual([200]);
      expect(patientStatus(appointment(visit.ehrId))).toBe('accepted');
      // The EHR's webhook for that version is our own echo: no second confirmation text.
      expect(
        ehr.webhookDeliveries().filter((hook) => hook.appointmentId === visit.ehrId),
      ).toHaveLength(2);
      expect(await smsTo(sut, visit.phone.e164)).toHaveLength(1);
      const trail = await auditTrail(sut, tenant.tenantId, visit.ehrId);
      const [response] = ofType(trail, 'PatientRespondedV1');
      const [written] = ofType(trail, 'WriteBackSucceededV1');
      expect(ofType(trail, 'WriteBackSucceededV1')).toHaveLength(1);
      expect(causedBy(trail, written, response.eventId)).toBe(true);
      expect(ofType(trail, 'WriteBackFailedV1')).toEqual([]);
      expect(ofType(trail, 'StaffInboxItemV1')).toEqual([]);
    });

    it('should retry while the token endpoint is down and put the failure in the staff inbox once the configured time has passed', async () => {
      const visit = await book({ slot: slotAt(8, 9) });
      const booked = appointment(visit.ehrId);
      const tokenRequestsBefore = tokenRequests().length;
      // The gateway's cached token stops working, so every call needs the endpoint that is down.
      ehr.revokeTokens();
      ehr.setTokenEndpointDown(true);
      const answeredAt = Date.now();
      let outcome: DecodedEvent<'WriteBackSucceededV1' | 'WriteBackFailedV1'>;
      try {
        await confirmOnPhone(visit);
        outcome = await firstWriteBackOutcome(visit.ehrId);
      } finally {
        ehr.setTokenEndpointDown(false);
      }
      if (outcome.type !== 'WriteBackFailedV1') throw new Error('the write-back did not fail');
      const failed = outcome;
      const staffItem = await eventually(
        () =>
          Promise.resolve(
            staffInboxItems().find((item) => item.payload.responseId === failed.payload.responseId),
          ),
        DEADLINE_MS,
        'the staff inbox item for the failed write-back',
      );
      const trail = await auditTrailWith(
        sut,
        tenant.tenantId,
        visit.ehrId,
        ['PatientRespondedV1', 'WriteBackFailedV1', 'StaffInboxItemV1'],
        DEADLINE_MS,
      );
      await settle();

      expect(failed.payload).toMatchObject({
        reason: WriteBackFailureReason.AUTHORIZATION_FAILED,
        httpStatus: 503,
        staffActionRequired: true,
      });
      // Retried: each attempt went back to the token endpoint, until the configured time passed.
      expect(failed.payload.attempts).toBeGreaterThan(1);
      const refused = tokenRequests()
        .slice(tokenRequestsBefore)
        .filter((request) => request.status === 503);
      expect(refused.length).toBeGreaterThanOrEqual(failed.payload.attempts);
      const failedAt = failed.payload.failedAt;
      if (!failedAt) throw new Error('WriteBackFailedV1 without failed_at');
      expect(timestampDate(failedAt).getTime()).toBeGreaterThanOrEqual(
        answeredAt + GIVE_UP_MINUTES * 60_000,
      );
      // Staff see it: the staff inbox item with the reason, and its open entry.
      expect(staffItem.payload).toMatchObject({
        kind: StaffInboxItemKind.WRITE_BACK_FAILED,
        appointmentId: failed.payload.appointmentId,
        writeBackFailure: 'AUTHORIZATION_FAILED',
      });
      expect(
        await sut
          .database('messaging')
          .query(
            'SELECT kind, resolved_at FROM staff_inbox_entry WHERE tenant_id = $1 AND response_id = $2',
            [tenant.tenantId, failed.payload.responseId],
          ),
      ).toEqual([{ kind: 'write_back_failed', resolved_at: null }]);
      // The trail leads from the staff item through the failure back to the patient's answer.
      const [response] = ofType(trail, 'PatientRespondedV1');
      const [item] = ofType(trail, 'StaffInboxItemV1');
      expect(item.causationId).toBe(failed.envelope.eventId);
      expect(causedBy(trail, item, response.eventId)).toBe(true);
      expect(ofType(trail, 'WriteBackSucceededV1')).toEqual([]);
      // Nothing reached the EHR; the patient got no second text and the page asks again.
      expect(appointment(visit.ehrId)).toEqual(booked);
      expect(appointmentWrites(visit.ehrId)).toEqual([]);
      expect(writeBackOutcomes(visit.ehrId)).toHaveLength(1);
      expect(await smsTo(sut, visit.phone.e164)).toHaveLength(1);
      const again = await openOnPhone(visit.link);
      await again.getByRole('button', { name: 'Confirm' }).waitFor();
    });
  });
});
