import { randomUUID } from 'node:crypto';

import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { DateTime } from 'luxon';

import { Role } from '@caredispatch/auth';
import { Topics } from '@caredispatch/contracts';
import {
  checkSolution,
  decodeTravelMatrix,
  type Problem,
  type Solution,
} from '@caredispatch/optimizer';
import {
  daytimeZone,
  EhrFhirStandIn,
  eventually,
  type FhirResource,
  MAPS_STAND_IN_KEY,
  MapsStandIn,
  newWebhookSecret,
  type SeedAppointment,
  seedWeek,
  signedSlackCommandHeaders,
  SlackStandIn,
  Stack,
  TopicRecorder,
} from '@caredispatch/testing';

import {
  bookThroughWebhooks,
  type CallOutView,
  configureSeedWeek,
  dispatchApi,
  ehrAppointmentIdOf,
  type ExceptionView,
  fhirBookingOf,
  type PlanView,
  type ProviderDayView,
  schedulingIdsByEhrId,
  waitForDeliveriesSent,
  waitForDispatchToHold,
} from './support/dispatch-flow';
import { postBooking, type TenantCredentials } from './support/flow';

jest.setTimeout(300_000);

const COORDINATORS_CHANNEL = 'C0COORDINATORS';
const SLACK_SIGNING_SECRET = 'e2e-slack-signing-secret';
const SLACK_TEAM = 'T0E2ETEAM';
/** The RN who calls out on Tuesday (and the only one credentialed for infusions). */
const CALLER_OUT = 'rn-1';
/** Where the two infusion patients live. */
const near = [
  { lat: 40.741, lon: -74.172 },
  { lat: 40.728, lon: -74.165 },
];

/**
 * Issue 12's acceptance through processes: ehr-gateway → scheduling → dispatch-optimizer (and
 * messaging, which texts the patients a call-out leaves without a visit) over the real broker,
 * each on its own PostgreSQL database as its runtime role, with the Slack, Maps and Twilio
 * stand-ins. Bookings enter as signed FHIR webhooks; coordinators and the slash command use
 * dispatch's HTTP API. dispatch-optimizer's clock stands on the seed week's Sunday 18:00, and on
 * its Tuesday 10:00 for the call-out (CLOCK_START_AT, a restart apart).
 */
describe('dispatch end to end: webhooks → weekly plan → Slack itineraries → call-out', () => {
  const week = seedWeek();
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
  const group: TenantCredentials = {
    tenantId: `dispatch-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const degraded: TenantCredentials = {
    tenantId: `dispatch-maps-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  /** A practice with EHR write-back on: ehr-gateway reaches its EHR (the FHIR stand-in). */
  const writer: TenantCredentials = {
    tenantId: `dispatch-ehr-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const writerDay = seedWeek({
    clinics: 1,
    clinicians: 1,
    nurses: 2,
    clinicVisits: 0,
    homeVisits: 4,
    unservableCredential: 0,
    unresolvableAddresses: 0,
    days: 1,
    seed: 5,
  });
  const ehr = new EhrFhirStandIn();
  const local = (day: string, time: string) =>
    DateTime.fromISO(`${day}T${time}`, { zone: week.timeZone }).toJSDate();
  const sunday = local(
    DateTime.fromISO(week.days[0]).minus({ days: 1 }).toISODate() ?? '',
    '18:00',
  );
  const tuesday = week.days[1];
  const tuesdayTen = local(tuesday, '10:00');
  const lateAddress = 'Late Booking Rd 1, Newark, NJ';

  const slack = new SlackStandIn();
  const maps = new MapsStandIn({
    // The small group's addresses are added for its own test: it reuses street numbers, and the
    // seed week's first one must stay unknown to Maps.
    addresses: { ...week.addresses, [lateAddress]: { lat: 40.74, lon: -74.17 } },
  });
  const reschedules = new TopicRecorder((process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','));
  let stack: Stack;
  /** When dispatch's clock read `clockStart` (its clock then runs at wall speed). */
  let clockStart = sunday;
  let clockStartedAt = 0;
  let ours: Map<string, string>;
  let weekly: PlanView;

  const dispatchNow = () => new Date(clockStart.getTime() + (Date.now() - clockStartedAt));
  const dmChannels = () =>
    slack.messages().filter((message) => message.channel !== COORDINATORS_CHANNEL);
  const coordinatorMessages = () => slack.messages({ channel: COORDINATORS_CHANNEL });
  const dispatchDb = () => stack.database('dispatch-optimizer');

  beforeAll(async () => {
    const { apiUrl } = await slack.start();
    const { baseUrl } = await maps.start();
    await reschedules.start([Topics.DispatchRescheduleV1]);
    await ehr.start();
    const keys = await generateKeyPair('RS384', { extractable: true });
    await ehr.registerClient('caredispatch-dispatch', await exportJWK(keys.publicKey), 'RS384');
    stack = new Stack({
      tenants: {
        [group.tenantId]: group.secret,
        [degraded.tenantId]: degraded.secret,
        [writer.tenantId]: writer.secret,
      },
      // messaging texts the patients a call-out leaves without a visit ("we need to reschedule").
      only: ['ehr-gateway', 'scheduling', 'messaging', 'dispatch-optimizer'],
      logLevel: 'warn',
      dispatch: {
        slackApiUrl: apiUrl,
        slackBotToken: slack.botToken,
        mapsApiBaseUrl: baseUrl,
        mapsApiKey: MAPS_STAND_IN_KEY,
        coordinatorSlackChannel: COORDINATORS_CHANNEL,
      },
      environment: {
        'dispatch-optimizer': {
          SLACK_SIGNING_SECRET,
          SLACK_TEAM_TENANTS: JSON.stringify({ [SLACK_TEAM]: group.tenantId }),
          MAPS_MAX_ATTEMPTS: '2',
        },
      },
      overrides: {
        'dispatch-optimizer': { CLOCK_START_AT: sunday.toISOString() },
        'ehr-gateway': {
          EHR_CONNECTIONS: JSON.stringify({
            [writer.tenantId]: {
              fhirBaseUrl: ehr.fhirBaseUrl,
              tokenUrl: ehr.tokenUrl,
              clientId: 'caredispatch-dispatch',
              keyId: 'caredispatch-dispatch-key-1',
              algorithm: 'RS384',
            },
          }),
          EHR_PRIVATE_KEYS: JSON.stringify({
            [writer.tenantId]: await exportPKCS8(keys.privateKey),
          }),
          EHR_WRITE_BACK_POLL_INTERVAL_MS: '100',
        },
      },
    });
    clockStartedAt = Date.now();
    await stack.start();
    await configureSeedWeek(stack, group.tenantId, week);
    await giveInfusionsTo(CALLER_OUT);

    await bookThroughWebhooks(stack, group, week);

    ours = await eventually(
      async () => {
        const ids = await schedulingIdsByEhrId(stack, group.tenantId);
        return ids.size === week.appointments.length ? ids : undefined;
      },
      120_000,
      'scheduling to record every booking',
      250,
    );
    await waitForDispatchToHold(stack, group.tenantId, [...ours.values()]);
  }, 300_000);

  afterAll(async () => {
    await stack.stop();
    await reschedules.stop();
    await slack.stop();
    await maps.stop();
    await ehr.stop();
  });

  /**
   * Infusions need a credential only `providerId` holds: when that provider calls out, an
   * infusion later that day cannot be reassigned, so some patient must be told.
   */
  async function giveInfusionsTo(providerId: string): Promise<void> {
    const provider = week.providers.find((p) => p.providerId === providerId);
    if (!provider) throw new Error(`${providerId} is not in the seed week`);
    const admin = (path: string, body: unknown) =>
      dispatchApi(stack, group.tenantId, 'PUT', path, body, [Role.PracticeAdmin]);
    await admin('/appointment-types/infusion', {
      requiredCredentials: ['infusion'],
      visitMode: 'home',
      defaultDurationMinutes: 45,
      priority: 1,
    });
    await admin(`/providers/${providerId}`, {
      ...provider.body,
      credentials: [...(provider.body.credentials as string[]), 'infusion'],
    });
  }

  function schedulingIdOf(appointment: SeedAppointment): string {
    const id = ours.get(ehrAppointmentIdOf(appointment));
    if (id === undefined) throw new Error('booking not recorded by this stack');
    return id;
  }

  async function currentPlan(day: string): Promise<PlanView> {
    return dispatchApi<PlanView>(stack, group.tenantId, 'GET', `/plans/current?day=${day}`);
  }

  async function planVersion(planId: string, version: number): Promise<PlanView> {
    return dispatchApi<PlanView>(
      stack,
      group.tenantId,
      'GET',
      `/plans/${planId}/versions/${version}`,
    );
  }

  async function exceptions(tenantId = group.tenantId): Promise<ExceptionView[]> {
    return dispatchApi<ExceptionView[]>(stack, tenantId, 'GET', '/exceptions?status=all');
  }

  async function acceptedByChecker(plan: PlanView): Promise<void> {
    const [row] = await dispatchDb().query<{ inputs: unknown; travel_matrix: Buffer | null }>(
      'SELECT inputs, travel_matrix FROM dispatch_plan WHERE tenant_id = $1 AND plan_id = $2 AND version = $3',
      [plan.tenantId, plan.planId, plan.version],
    );
    // A plan's travel matrix is stored beside its inputs (bytea), the rest as jsonb.
    const inputs = row.inputs as { problem: Problem; solution: Solution };
    const problem: Problem = row.travel_matrix
      ? { ...inputs.problem, travel: decodeTravelMatrix(row.travel_matrix) }
      : inputs.problem;
    expect(checkSolution(problem, inputs.solution)).toEqual([]);
  }

  async function callOutCount(): Promise<number> {
    const [row] = await dispatchDb().query<{ count: string }>(
      'SELECT count(*) FROM dispatch_call_out WHERE tenant_id = $1',
      [group.tenantId],
    );
    return Number(row.count);
  }

  /** The per-day heading sections of a Slack itinerary (`*Mon 11 Mar* — …`). */
  function dayHeadings(blocks: readonly unknown[]): string[] {
    return blocks.flatMap((block) => {
      const text = (block as { text?: { text?: unknown } }).text?.text;
      return typeof text === 'string' && /^\*(Mon|Tue|Wed|Thu|Fri) [^*]+\* — /.test(text)
        ? [text]
        : [];
    });
  }

  /** Provider-days whose visits (who, when) differ between two plan versions. */
  function changedProviders(before: PlanView, after: PlanView): string[] {
    const key = (day: ProviderDayView) =>
      JSON.stringify(day.stops.map((stop) => [stop.appointmentId, stop.start]));
    const days = (plan: PlanView) =>
      new Map(plan.providerDays.map((day) => [`${day.providerId}|${day.day}`, key(day)]));
    const was = days(before);
    const now = days(after);
    const changed = new Set<string>();
    for (const id of new Set([...was.keys(), ...now.keys()]))
      if (was.get(id) !== now.get(id)) changed.add(id.split('|')[0]);
    return [...changed].sort();
  }

  it('should plan the week booked through signed webhooks so the checker accepts it, send exactly 12 itineraries and queue the unservable visits with reasons', async () => {
    weekly = await dispatchApi<PlanView>(stack, group.tenantId, 'POST', '/plans', {
      days: week.days,
    });

    await acceptedByChecker(weekly);
    const servedIds = new Set(
      weekly.providerDays.flatMap((day) => day.stops.map((stop) => stop.appointmentId)),
    );
    const unservedIds = new Set(weekly.unserved.map((entry) => entry.appointmentId));
    for (const id of ours.values()) expect(servedIds.has(id) || unservedIds.has(id)).toBe(true);
    // Clinics are configured by the EHR's location ids; every clinic visit is held at one.
    const clinicVisits = week.appointments.filter((a) => a.typeCode === 'clinic-visit');
    expect(clinicVisits.filter((a) => !servedIds.has(schedulingIdOf(a)))).toEqual([]);
    const unservable = week.appointments.filter(
      (a) =>
        a.typeCode === 'wound-care' ||
        (a.addressLines !== undefined && !(a.addressLines[0] in week.addresses)),
    );
    const ourUnserved = weekly.unserved.filter((entry) =>
      [...ours.values()].includes(entry.appointmentId),
    );
    expect(ourUnserved.map((entry) => entry.reason).sort()).toEqual([
      'ADDRESS_NOT_GEOCODED',
      'NO_CREDENTIALED_PROVIDER',
      'NO_CREDENTIALED_PROVIDER',
    ]);
    expect(ourUnserved.map((entry) => entry.appointmentId).sort()).toEqual(
      unservable.map(schedulingIdOf).sort(),
    );
    const queue = await exceptions();
    const ourIds = new Set(ours.values());
    expect(
      queue
        .filter((entry) => ourIds.has(entry.appointmentId ?? ''))
        .map((entry) => [entry.kind, entry.reason])
        .sort(),
    ).toEqual([
      ['address-not-geocoded', 'ADDRESS_NOT_GEOCODED'],
      ['unserved', 'NO_CREDENTIALED_PROVIDER'],
      ['unserved', 'NO_CREDENTIALED_PROVIDER'],
    ]);

    expect(await waitForDeliveriesSent(stack, group.tenantId)).toBe(week.providers.length);
    const itineraries = dmChannels();
    expect(itineraries).toHaveLength(12);
    expect(new Set(itineraries.map((message) => message.channel)).size).toBe(12);
    for (const message of itineraries) expect(dayHeadings(message.blocks)).toHaveLength(5);
  });

  it('should apply a booking made after the run and send one delta, to the affected provider only', async () => {
    const wednesday = week.days[2];
    const late: SeedAppointment = {
      appointmentId: randomUUID(),
      start: local(wednesday, '11:00'),
      durationMinutes: 45,
      typeCode: 'home-visit',
      locationId: randomUUID(),
      ehrLocationId: 'ehr-location-late-booking',
      addressLines: [lateAddress],
      givenName: 'Nora',
      familyName: 'Quinn',
    };
    await bookThroughWebhooks(stack, group, week, [late]);

    ours = await eventually(
      async () => {
        const ids = await schedulingIdsByEhrId(stack, group.tenantId);
        return ids.has(ehrAppointmentIdOf(late)) ? ids : undefined;
      },
      60_000,
      'scheduling to record the late booking',
    );
    const lateId = schedulingIdOf(late);
    // The version this booking made (another stack on the shared broker may add versions too).
    const revised = await eventually(
      async () => {
        const current = await currentPlan(wednesday);
        for (let v = weekly.version + 1; v <= current.version; v += 1) {
          const version = await planVersion(current.planId, v);
          if (version.cause?.appointmentId === lateId) return version;
        }
        return undefined;
      },
      60_000,
      'the plan version that took the late booking',
      250,
    );
    const previous = await planVersion(revised.planId, revised.version - 1);
    const owner = revised.providerDays.find((day) =>
      day.stops.some((stop) => stop.appointmentId === lateId),
    );
    expect(owner?.day).toBe(wednesday);
    expect(changedProviders(previous, revised)).toEqual([owner?.providerId]);
    await acceptedByChecker(revised);

    await waitForDeliveriesSent(stack, group.tenantId);
    const deliveries = await dispatchDb().query<{ provider_id: string; external_id: string }>(
      `SELECT provider_id, external_id FROM itinerary_delivery
        WHERE tenant_id = $1 AND plan_id = $2 AND plan_version = $3`,
      [group.tenantId, revised.planId, revised.version],
    );
    expect(deliveries.map((row) => row.provider_id)).toEqual([owner?.providerId]);
    const delta = dmChannels().find((message) => message.ts === deliveries[0].external_id);
    const ownerUser = (
      week.providers.find((p) => p.providerId === owner?.providerId)?.body.delivery as {
        channel: { slackUserId: string };
      }
    ).channel.slackUserId;
    expect(delta?.channel).toBe(slack.dmChannelOf(ownerUser));
    expect(delta?.threadTs).toBeDefined();
    weekly = await currentPlan(wednesday);
  });

  it('should refuse a /callout with a bad signature or a stale timestamp and change nothing', async () => {
    const provider = week.providers.find((p) => p.providerId === 'rn-1');
    const slackUserId = (provider?.body.delivery as { channel: { slackUserId: string } }).channel
      .slackUserId;
    const body = new URLSearchParams({
      command: '/callout',
      text: 'sick',
      team_id: SLACK_TEAM,
      user_id: slackUserId,
      trigger_id: `trigger-${randomUUID()}`,
    }).toString();
    const post = (headers: Record<string, string>, form = body) =>
      fetch(`${stack.service('dispatch-optimizer').baseUrl}/v1/slack/commands/callout`, {
        method: 'POST',
        headers,
        body: form,
      });
    const nowSeconds = () => Math.floor(dispatchNow().getTime() / 1000);
    const callOutsBefore = await callOutCount();

    const forged = await post(signedSlackCommandHeaders('not-the-secret', body, nowSeconds()));
    const stale = await post(
      signedSlackCommandHeaders(SLACK_SIGNING_SECRET, body, nowSeconds() - 10 * 60),
    );
    // The same timestamp source, correctly signed: accepted (an unlinked user changes nothing).
    const unlinked = body.replace(slackUserId, 'U0NOBODY');
    const control = await post(
      signedSlackCommandHeaders(SLACK_SIGNING_SECRET, unlinked, nowSeconds()),
      unlinked,
    );

    expect([forged.status, stale.status]).toEqual([401, 401]);
    expect(control.status).toBe(200);
    expect(((await control.json()) as { text: string }).text).toMatch(/not linked/);
    // Counted by what a call-out leaves (another stack on the shared broker may add plan versions).
    expect(await callOutCount()).toBe(callOutsBefore);
    expect((await exceptions()).filter((entry) => entry.kind === 'call-out')).toEqual([]);
    expect(coordinatorMessages().filter((message) => /called out/.test(message.text))).toEqual([]);
  });

  it('should re-plan a Tuesday 10:00 call-out: new itineraries to the changed providers, backups notified, patients announced, one coordinator summary, frozen visits kept', async () => {
    // Booked on Sunday: an infusion before 10:00 (it stays) and one after (nobody else can).
    const infusion = (time: string, n: number): SeedAppointment => ({
      appointmentId: randomUUID(),
      start: local(tuesday, time),
      durationMinutes: 45,
      typeCode: 'infusion',
      locationId: randomUUID(),
      ehrLocationId: `ehr-location-infusion-${n}`,
      addressLines: [`${n} Infusion Ave, Newark, NJ`],
      givenName: 'Iris',
      familyName: 'Stone',
    });
    const infusions = [infusion('08:30', 1), infusion('14:00', 2)];
    infusions.forEach((visit, n) => maps.addAddress(visit.addressLines?.[0] ?? '', near[n]));
    // The infusion patients may be texted (the seed's patients opted out), in a zone where it
    // is daytime now: messaging's quiet hours run on its own (wall) clock.
    const phones = ['+15025550101', '+15025550102'];
    const patientZone = daytimeZone(30);
    for (const [n, visit] of infusions.entries()) {
      const booking = fhirBookingOf(week, visit, week.appointments.length + n).with({
        smsOptOut: false,
        patientPhone: phones[n],
        locationTimeZone: patientZone,
      });
      expect((await postBooking(stack, group, booking)).status).toBe(202);
    }
    weekly = await eventually(
      async () => {
        ours = await schedulingIdsByEhrId(stack, group.tenantId);
        const ids = infusions.map((visit) => ours.get(ehrAppointmentIdOf(visit)));
        const plan = await currentPlan(tuesday);
        const planned = plan.providerDays.flatMap((day) => day.stops.map((s) => s.appointmentId));
        return ids.every((id) => id !== undefined && planned.includes(id)) ? plan : undefined;
      },
      60_000,
      `the infusions planned for ${CALLER_OUT}`,
      250,
    );
    await waitForDeliveriesSent(stack, group.tenantId);
    clockStart = tuesdayTen;
    clockStartedAt = Date.now();
    await stack.restart('dispatch-optimizer', { CLOCK_START_AT: tuesdayTen.toISOString() });
    const victim = weekly.providerDays.find(
      (day) => day.day === tuesday && day.providerId === CALLER_OUT,
    );
    if (!victim) throw new Error(`${CALLER_OUT} has no Tuesday`);
    expect(victim.stops.map((stop) => stop.appointmentId)).toEqual(
      expect.arrayContaining(infusions.map(schedulingIdOf)),
    );
    const frozen = victim.stops.filter((stop) => new Date(stop.start) < tuesdayTen);
    const dmBefore = dmChannels().length;
    const coordinatorBefore = coordinatorMessages().length;

    const outcome = await dispatchApi<CallOutView>(
      stack,
      group.tenantId,
      'POST',
      `/providers/${victim.providerId}/call-outs`,
      { from: tuesdayTen.toISOString(), reason: 'sick' },
    );

    const after = await currentPlan(tuesday);
    expect(after.version).toBe(outcome.planVersion);
    await acceptedByChecker(after);
    const victimAfter = after.providerDays.find(
      (day) => day.providerId === victim.providerId && day.day === tuesday,
    );
    expect(victimAfter?.stops.map((stop) => [stop.appointmentId, stop.start])).toEqual(
      frozen.map((stop) => [stop.appointmentId, stop.start]),
    );
    const orphaned = victim.stops
      .filter((stop) => new Date(stop.start) >= tuesdayTen)
      .map((stop) => stop.appointmentId);
    expect(orphaned).toContain(schedulingIdOf(infusions[1]));
    expect(frozen.map((stop) => stop.appointmentId)).toContain(schedulingIdOf(infusions[0]));
    expect(outcome.rescheduleNeededAppointmentIds).toContain(schedulingIdOf(infusions[1]));
    expect([
      ...outcome.reassignedAppointmentIds,
      ...outcome.rescheduleNeededAppointmentIds,
    ]).toEqual(expect.arrayContaining(orphaned));
    // Every other provider's visits before 10:00 are where they were.
    for (const day of weekly.providerDays.filter((d) => d.day === tuesday)) {
      const kept = after.providerDays.find(
        (d) => d.providerId === day.providerId && d.day === tuesday,
      );
      for (const stop of day.stops.filter((s) => new Date(s.start) < tuesdayTen))
        expect(kept?.stops).toContainEqual(expect.objectContaining({ start: stop.start }));
    }

    const changed = changedProviders(weekly, after);
    expect(changed).toContain(victim.providerId);
    for (const backup of outcome.backupProviderIds) expect(changed).toContain(backup);
    await waitForDeliveriesSent(stack, group.tenantId);
    const channelOf = (providerId: string) =>
      slack.dmChannelOf(
        (
          week.providers.find((p) => p.providerId === providerId)?.body.delivery as {
            channel: { slackUserId: string };
          }
        ).channel.slackUserId,
      );
    expect(
      dmChannels()
        .slice(dmBefore)
        .map((message) => message.channel)
        .sort(),
    ).toEqual(changed.map(channelOf).sort());

    const announced = await eventually(
      () => {
        const ids = reschedules
          .messages(Topics.DispatchRescheduleV1)
          .filter((message) => message.headers['tenant-id'] === group.tenantId)
          .map((message) => message.key);
        return Promise.resolve(
          ids.length >= outcome.rescheduleNeededAppointmentIds.length ? ids : undefined,
        );
      },
      30_000,
      'the reschedule announcements',
    );
    expect([...announced].sort()).toEqual([...outcome.rescheduleNeededAppointmentIds].sort());
    // messaging: one "we must reschedule" text per patient who can no longer be seen, with a link
    // to the visit's page; the opted-out seed patients' texts are suppressed, never sent.
    const rescheduleTexts = (to: string) =>
      stack.twilio
        .messages()
        .filter((message) => message.to === to && /must reschedule/.test(message.body));
    await eventually(
      async () => {
        const rows = await stack
          .database('messaging')
          .query<{ state: string }>(
            `SELECT state FROM message WHERE tenant_id = $1 AND purpose = 'reschedule_needed'`,
            [group.tenantId],
          );
        const settled =
          rows.length >= outcome.rescheduleNeededAppointmentIds.length &&
          rows.every((row) => row.state !== 'queued' && row.state !== 'sending');
        return settled && rescheduleTexts(phones[1]).length > 0 ? true : undefined;
      },
      60_000,
      'the reschedule texts',
      250,
    );
    await stack.waitForConsumerToCatchUp('messaging');
    const [text] = rescheduleTexts(phones[1]);
    expect(rescheduleTexts(phones[1])).toHaveLength(1);
    expect(text.body).toMatch(/\/a\/[A-Za-z0-9_-]{22}\b/);
    expect(rescheduleTexts(phones[0])).toEqual([]);
    const perVisit = await stack
      .database('messaging')
      .query<{ appointment_id: string; count: string }>(
        `SELECT appointment_id, count(*) FROM message
        WHERE tenant_id = $1 AND purpose = 'reschedule_needed' GROUP BY appointment_id`,
        [group.tenantId],
      );
    expect(perVisit.map((row) => row.appointment_id).sort()).toEqual(
      [...outcome.rescheduleNeededAppointmentIds].sort(),
    );
    expect(perVisit.every((row) => Number(row.count) === 1)).toBe(true);
    const queue = await exceptions();
    expect(
      queue
        .filter((entry) => entry.kind === 'patient-reschedule-needed')
        .map((entry) => entry.appointmentId)
        .sort(),
    ).toEqual([...outcome.rescheduleNeededAppointmentIds].sort());

    const summaries = await eventually(
      () => {
        const added = coordinatorMessages().slice(coordinatorBefore);
        return Promise.resolve(added.length > 0 ? added : undefined);
      },
      30_000,
      'the coordinators summary',
    );
    expect(summaries).toHaveLength(1);
    expect(summaries[0].text).toMatch(/called out/);
  });

  it('should plan with flagged great-circle estimates while Maps fails, then bill nothing from a warm cache', async () => {
    for (const [address, coordinates] of Object.entries(small.addresses))
      maps.addAddress(address, coordinates);
    await configureSeedWeek(stack, degraded.tenantId, small);
    await bookThroughWebhooks(stack, degraded, small);
    const smallIds = await eventually(
      async () => {
        const ids = await schedulingIdsByEhrId(stack, degraded.tenantId);
        return ids.size === small.appointments.length ? ids : undefined;
      },
      60_000,
      'scheduling to record the small group',
    );
    await waitForDispatchToHold(stack, degraded.tenantId, [...smallIds.values()]);
    const plan = () =>
      dispatchApi<PlanView>(stack, degraded.tenantId, 'POST', '/plans', { days: small.days });
    maps.failAll('over-query-limit', 'distancematrix');

    const fallback = await plan();

    expect(fallback.travel).toMatchObject({
      fallback: true,
      fallbackReason: 'maps-unavailable',
      billedElements: 0,
    });
    await acceptedByChecker(fallback);
    expect((await exceptions(degraded.tenantId)).map((entry) => entry.kind)).toContain(
      'travel-time-fallback',
    );

    maps.recover();
    const cold = await plan();
    const callsBeforeWarm = maps.calls().length;
    const warm = await plan();

    expect(cold.travel).toMatchObject({ fallback: false, source: 'google-maps' });
    expect(cold.travel.billedElements).toBeGreaterThan(0);
    expect(warm.travel).toMatchObject({ fallback: false, billedElements: 0, cacheMisses: 0 });
    expect(maps.calls().length).toBe(callsBeforeWarm);
  });

  it('should write the visits a plan gives other providers back to the EHR when the practice enabled it', async () => {
    const admin = (path: string, body: unknown) =>
      dispatchApi(stack, writer.tenantId, 'PUT', path, body, [Role.PracticeAdmin]);
    await configureSeedWeek(stack, writer.tenantId, writerDay);
    await admin('/dispatch-settings', {
      timeZone: writerDay.timeZone,
      mapsMonthlyElementBudget: 1_000_000,
      ehrWriteBack: true,
    });
    // Linked as the EHR roster import links them; every visit is booked with prac-1.
    await dispatchDb().query(
      `UPDATE dispatch_provider SET ehr_practitioner_id = 'prac-' || provider_id WHERE tenant_id = $1`,
      [writer.tenantId],
    );
    for (const appointment of writerDay.appointments) ehr.seed(ehrAppointmentOf(appointment));
    // Like the small group's, these addresses reuse the seed week's street numbers: added last.
    for (const [address, coordinates] of Object.entries(writerDay.addresses))
      maps.addAddress(address, coordinates);
    await bookThroughWebhooks(stack, writer, writerDay);
    const ids = await eventually(
      async () => {
        const found = await schedulingIdsByEhrId(stack, writer.tenantId);
        return found.size === writerDay.appointments.length ? found : undefined;
      },
      60_000,
      'scheduling to record the practice',
    );
    await waitForDispatchToHold(stack, writer.tenantId, [...ids.values()]);
    const ehrIdOf = new Map([...ids].map(([ehrId, schedulingId]) => [schedulingId, ehrId]));

    const plan = await dispatchApi<PlanView>(stack, writer.tenantId, 'POST', '/plans', {
      days: writerDay.days,
    });

    const served = plan.providerDays.flatMap((day) =>
      day.stops.map((stop) => ({
        ehrAppointmentId: ehrIdOf.get(stop.appointmentId) ?? '',
        practitioner: `Practitioner/prac-${day.providerId}`,
      })),
    );
    expect(served.length).toBeGreaterThan(0);
    const puts = (ehrAppointmentId: string) =>
      ehr
        .requests()
        .filter(
          (request) =>
            request.method === 'PUT' &&
            request.path === `/fhir/Appointment/${ehrAppointmentId}` &&
            request.status === 200,
        );
    await eventually(
      () =>
        Promise.resolve(
          served.every((visit) => puts(visit.ehrAppointmentId).length > 0) ? true : undefined,
        ),
      60_000,
      'the EHR to receive every reassignment',
    );
    for (const visit of served) {
      const participants = (ehr.read('Appointment', visit.ehrAppointmentId)?.participant ?? []) as {
        actor: { reference: string };
      }[];
      expect(
        participants
          .map((entry) => entry.actor.reference)
          .filter((reference) => reference.startsWith('Practitioner/')),
      ).toEqual([visit.practitioner]);
      expect(puts(visit.ehrAppointmentId).map((request) => request.ifMatch)).toEqual(['W/"1"']);
    }
  });
});

/** The Appointment the EHR holds for a seed visit, booked with Practitioner prac-1. */
function ehrAppointmentOf(appointment: SeedAppointment): FhirResource {
  const end = new Date(appointment.start.getTime() + appointment.durationMinutes * 60_000);
  return {
    resourceType: 'Appointment',
    id: ehrAppointmentIdOf(appointment),
    status: 'booked',
    start: appointment.start.toISOString(),
    end: end.toISOString(),
    participant: [
      { actor: { reference: `Patient/pat-${appointment.appointmentId}` }, status: 'accepted' },
      { actor: { reference: 'Practitioner/prac-1' }, status: 'accepted' },
      { actor: { reference: `Location/${appointment.ehrLocationId}` }, status: 'accepted' },
    ],
  };
}
