import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Role } from '@caredispatch/auth';
import {
  eventually,
  FhirAppointmentBuilder,
  MAPS_STAND_IN_KEY,
  MapsStandIn,
  nearMissTokens,
  newWebhookSecret,
  type ServiceName,
  SlackStandIn,
  Stack,
  TOKEN_DEFECTS,
} from '@caredispatch/testing';

import {
  postBooking,
  settledSmsTo,
  type TenantCredentials,
  uniquePhone,
  waitForPipelineToSettle,
} from './support/flow';

jest.setTimeout(600_000);

/** Every role a tenant's staff or machine client can hold: the most a stolen token could do. */
const TENANT_ROLES = [
  Role.PracticeAdmin,
  Role.Coordinator,
  Role.FrontDesk,
  Role.ComplianceOfficer,
  Role.Integration,
];

/** The query filters the read APIs take; each route is also asked with each of them. */
const QUERY_FILTERS = ['appointmentId', 'patientId'] as const;

interface Operation {
  readonly service: string;
  readonly method: string;
  readonly path: string;
}

/** Every authenticated route of the merged OpenAPI document (kept equal to the routers by CI). */
function authenticatedOperations(): Operation[] {
  const document = JSON.parse(
    readFileSync(join(__dirname, '../../docs/openapi/caredispatch.json'), 'utf8'),
  ) as { paths: Record<string, Record<string, { tags?: string[]; security?: unknown[] }>> };
  const paths = document.paths;
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) => (operation.security ?? []).length > 0)
      .map(([method, operation]) => ({
        service: operation.tags?.[0] ?? '',
        method: method.toUpperCase(),
        path,
      })),
  );
}

/** Letters only and unique per run: found in an answer, it can only be this test's patient. */
function plantedName(): string {
  return `Z${[...randomBytes(8)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;
}

type Values = Readonly<Record<string, string>>;

interface Answer {
  readonly status: number;
  readonly body: string;
}

describe('cross-tenant sweep: tenant A’s token reveals and changes nothing of tenant B on any route', () => {
  const tenantA: TenantCredentials = {
    tenantId: `sweep-a-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const tenantB: TenantCredentials = {
    tenantId: `sweep-b-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const slack = new SlackStandIn();
  const maps = new MapsStandIn();
  let stack: Stack;
  const phoneB = uniquePhone();
  const familyB = plantedName();
  /** B's real identifiers, by path parameter or query filter name. */
  let realB: Record<string, string> = {};
  let phiB: string[] = [];

  async function call(
    operation: Operation,
    values: Values,
    query: Values,
    authorization: { authorization: string },
  ): Promise<Answer> {
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(values[name] ?? randomUUID()),
    );
    const url = new URL(path, stack.service(operation.service as ServiceName).baseUrl);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const response = await fetch(url, {
      method: operation.method,
      headers: { ...authorization, 'content-type': 'application/json' },
      body: ['GET', 'DELETE'].includes(operation.method) ? undefined : '{}',
    });
    return { status: response.status, body: await response.text() };
  }

  /** The answer with the asked-for values replaced by their names, so two askings compare. */
  function normalised(answer: Answer, values: Values): Answer {
    let body = answer.body;
    for (const [name, value] of Object.entries(values)) body = body.split(value).join(`<${name}>`);
    // Request ids and clocks differ between any two requests.
    body = body.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
    body = body.replace(/"(requestId|correlationId|traceId)":"[^"]*"/g, '"$1":"<id>"');
    return { status: answer.status, body };
  }

  beforeAll(async () => {
    const { apiUrl: slackApiUrl } = await slack.start();
    const { baseUrl: mapsApiBaseUrl } = await maps.start();
    const waitlistSettings = {
      appointmentTypes: { ROUTINE: { requiredCredentials: [], durationMinutes: 30 } },
      waveSize: 1,
      holdMinutes: 15,
    };
    stack = new Stack({
      tenants: { [tenantA.tenantId]: tenantA.secret, [tenantB.tenantId]: tenantB.secret },
      waitlist: {
        settings: { [tenantA.tenantId]: waitlistSettings, [tenantB.tenantId]: waitlistSettings },
      },
      dispatch: {
        slackApiUrl,
        slackBotToken: slack.botToken,
        mapsApiBaseUrl,
        mapsApiKey: MAPS_STAND_IN_KEY,
        coordinatorSlackChannel: 'C0SWEEP',
      },
    });
    await stack.start();
    const booking = FhirAppointmentBuilder.booking({
      patientPhone: phoneB.display,
      patientFamilyName: familyB,
      organizationName: 'Bayside Clinic',
    });
    expect((await postBooking(stack, tenantB, booking)).status).toBe(202);
    await settledSmsTo(stack, phoneB.e164, 1);
    await waitForPipelineToSettle(stack);
    const [appointment] = await stack
      .database('scheduling')
      .query<{ id: string; patient_id: string; provider_id: string }>(
        'SELECT id, patient_id, provider_id FROM appointment WHERE tenant_id = $1',
        [tenantB.tenantId],
      );
    // The pipeline's settling covers scheduling and messaging, not audit-log's own consumer.
    const audited = await eventually(
      async () =>
        (
          await stack
            .database('audit-log')
            .query<{ event_id: string }>(
              'SELECT event_id FROM audit_event WHERE tenant_id = $1 ORDER BY sequence LIMIT 1',
              [tenantB.tenantId],
            )
        ).at(0),
      120_000,
      'the first audit event of B',
      100,
    );
    const waitlistB = await seedWaitlistOf(tenantB.tenantId, appointment.patient_id);
    realB = {
      tenantId: tenantB.tenantId,
      appointmentId: appointment.id,
      patientId: appointment.patient_id,
      providerId: appointment.provider_id,
      eventId: audited.event_id,
      ...waitlistB,
    };
    phiB = [familyB, phoneB.e164, phoneB.e164.slice(2)];
  });

  /**
   * B's waitlist: an entry made through B's own API, and a slot freed for it with one open
   * offer (stored directly: freeing a slot needs a cancellation, which would change B's
   * appointment that the last test checks is untouched).
   */
  async function seedWaitlistOf(
    tenantId: string,
    patientId: string,
  ): Promise<{ entryId: string; slotId: string; offerId: string }> {
    const asB = await stack.identity.authorization({ tenantId, roles: [Role.FrontDesk] });
    const today = new Date().toISOString().slice(0, 10);
    const response = await fetch(
      `${stack.service('waitlist').baseUrl}/v1/tenants/${tenantId}/waitlist/entries`,
      {
        method: 'POST',
        headers: { ...asB, 'content-type': 'application/json' },
        body: JSON.stringify({
          patientId,
          appointmentTypeCode: 'ROUTINE',
          earliestDate: today,
          latestDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
          channels: ['sms'],
          urgency: 'routine',
        }),
      },
    );
    expect(response.status).toBe(201);
    const { id: entryId } = (await response.json()) as { id: string };
    const slotId = randomUUID();
    const offerId = randomUUID();
    const waitlist = stack.database('waitlist');
    await waitlist.query(
      `INSERT INTO freed_slot (id, tenant_id, freed_by_appointment_id, start_at, end_at, time_zone,
         appointment_type_code, provider_id, location_id, status, wave, offers_made, opened_at)
       VALUES ($1, $2, $3, now() + interval '1 day', now() + interval '1 day 30 minutes',
               'America/New_York', 'ROUTINE', 'provider-sweep', 'location-sweep', 'offering', 1, 1, now())`,
      [slotId, tenantId, randomUUID()],
    );
    await waitlist.query(
      `INSERT INTO waitlist_offer (id, tenant_id, slot_id, entry_id, patient_id, wave, rank, status,
         hold_until, explanation, created_at)
       VALUES ($1, $2, $3, $4, $5, 1, 1, 'open', now() + interval '1 day', '{}', now())`,
      [offerId, tenantId, slotId, entryId, patientId],
    );
    return { entryId, slotId, offerId };
  }

  afterAll(async () => {
    await stack.stop();
    await slack.stop();
    await maps.stop();
  });

  it('should answer B’s own staff with B’s data (the sweep can see a leak)', async () => {
    const asB = await stack.identity.authorization({
      tenantId: tenantB.tenantId,
      roles: TENANT_ROLES,
    });
    const appointment = await call(
      {
        service: 'scheduling',
        method: 'GET',
        path: '/v1/tenants/{tenantId}/appointments/{appointmentId}',
      },
      realB,
      {},
      asB,
    );
    const trail = await call(
      { service: 'audit-log', method: 'GET', path: '/v1/audit-events' },
      {},
      { appointmentId: realB.appointmentId },
      asB,
    );

    expect(appointment.status).toBe(200);
    expect(appointment.body).toContain(realB.appointmentId);
    expect(trail.status).toBe(200);
    expect(trail.body).toContain(realB.appointmentId);
    const entry = await call(
      {
        service: 'waitlist',
        method: 'GET',
        path: '/v1/tenants/{tenantId}/waitlist/entries/{entryId}',
      },
      realB,
      {},
      asB,
    );
    expect(entry.status).toBe(200);
    expect(entry.body).toContain(realB.entryId);
  });

  // Issue 8, acceptance 1, on the real routers of every running service (the guard's own
  // integration spec proves the same cases on a fixture route).
  it('should refuse every authenticated route of every service without a token and with an expired, wrong-audience, wrong-issuer, alg none or HS256-with-public-key token', async () => {
    // A tenant of its own, so these requests count against no rate limit the sweep relies on.
    const prober = `sweep-tokens-${randomUUID().slice(0, 8)}`;
    const valid = await stack.identity.token({ tenantId: prober, roles: TENANT_ROLES });
    const { control, defective } = await nearMissTokens(stack.identity, valid);
    const running = new Set<string>(stack.services.keys());
    const operations = authenticatedOperations().filter((operation) =>
      running.has(operation.service),
    );
    const values = { tenantId: prober };
    const answered: string[] = [];
    for (const operation of operations) {
      const label = `${operation.method} ${operation.path}`;
      const withoutToken = await call(operation, values, {}, { authorization: '' });
      if (withoutToken.status !== 401)
        answered.push(`${label} without a token: ${withoutToken.status}`);
      for (const defect of TOKEN_DEFECTS) {
        const answer = await call(
          operation,
          values,
          {},
          { authorization: `Bearer ${defective[defect]}` },
        );
        if (answer.status !== 401) answered.push(`${label} ${defect}: ${answer.status}`);
      }
      // The control (same claims, same key, no defect) gets past authentication: the 401s above
      // are for the defects, not for the forging. Reads only, so the probe changes nothing.
      if (operation.method === 'GET') {
        const accepted = await call(operation, values, {}, { authorization: `Bearer ${control}` });
        if (accepted.status === 401) {
          answered.push(`${label} refused the control token: ${accepted.status}`);
        }
      }
    }

    expect(operations.length).toBeGreaterThan(20);
    // ehr-gateway serves only its signed webhook: no authenticated route.
    expect([...new Set(operations.map((operation) => operation.service))].sort()).toEqual([
      'audit-log',
      'dispatch-optimizer',
      'messaging',
      'scheduling',
      'waitlist',
    ]);
    expect(answered).toEqual([]);
  });

  it('should give A’s token, on every authenticated route, the same answer for B’s real ids as for ids that exist nowhere, and no PHI of B', async () => {
    const asA = await stack.identity.authorization({
      tenantId: tenantA.tenantId,
      roles: TENANT_ROLES,
    });
    const running = new Set<string>(stack.services.keys());
    const operations = authenticatedOperations().filter((operation) =>
      running.has(operation.service),
    );
    const leaks: string[] = [];
    // First, before A has sent any value of B's (the audit trail records what A asks for): the
    // routes that take their tenant from the token answer with nothing of B's at all.
    for (const operation of operations.filter(({ path }) => !path.includes('{'))) {
      const answer = await call(operation, {}, {}, asA);
      for (const [name, value] of [
        ...Object.entries(realB),
        ...phiB.map((value) => ['PHI', value]),
      ]) {
        if (answer.body.includes(value)) {
          leaks.push(`${operation.method} ${operation.path} before any asking: B's ${name}`);
        }
      }
    }
    for (const operation of operations) {
      // With B's tenant in the path, and with A's own tenant but B's resource ids; a route
      // without a tenant in its path takes the tenant from the token (A) only.
      const tenants = operation.path.includes('{tenantId}')
        ? [tenantB.tenantId, tenantA.tenantId]
        : [tenantA.tenantId];
      for (const tenantId of tenants) {
        const queries: Values[] = [{}, ...QUERY_FILTERS.map((name) => ({ [name]: realB[name] }))];
        for (const query of queries) {
          const real = { ...realB, tenantId };
          // The same asking about a tenant (when B's) and resources that exist nowhere.
          const fake: Record<string, string> = Object.fromEntries(
            Object.keys(realB).map((name) => [name, randomUUID()]),
          );
          fake.tenantId =
            tenantId === tenantA.tenantId ? tenantId : `sweep-none-${randomUUID().slice(0, 8)}`;
          const fakeQuery = Object.fromEntries(
            Object.keys(query).map((name) => [name, fake[name]]),
          );
          const forReal = await call(operation, real, query, asA);
          const forNothing = await call(operation, fake, fakeQuery, asA);
          const label = `${operation.method} ${operation.path} tenant=${tenantId === tenantA.tenantId ? 'A' : 'B'} ${JSON.stringify(Object.keys(query))}`;
          if (phiB.some((value) => forReal.body.includes(value))) leaks.push(`${label}: PHI of B`);
          // The tenant comes from A's token: A's own trail grows between two askings (every query
          // is audited, with the filters A sent), so answers neither compare nor stay free of the
          // values A asked about. Their strict check ran first, before A had sent any of B's.
          if (!operation.path.includes('{tenantId}')) continue;
          // A write to A's own tenant legitimately differs between two askings.
          const comparable = operation.method === 'GET' || tenantId === tenantB.tenantId;
          if (
            comparable &&
            JSON.stringify(normalised(forReal, real)) !==
              JSON.stringify(normalised(forNothing, fake))
          ) {
            leaks.push(`${label}: ${forReal.status} for B's ids, ${forNothing.status} for none`);
          }
          if (tenantId === tenantB.tenantId && forReal.status < 400) {
            leaks.push(`${label}: ${forReal.status} with B's tenant in the path`);
          }
        }
      }
    }

    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((operation) => operation.service === 'waitlist')).toHaveLength(8);
    expect(leaks).toEqual([]);
  });

  it('should leave B’s appointment, messages and audit chain as they were after the sweep', async () => {
    const asB = await stack.identity.authorization({
      tenantId: tenantB.tenantId,
      roles: TENANT_ROLES,
    });
    const appointment = await call(
      {
        service: 'scheduling',
        method: 'GET',
        path: '/v1/tenants/{tenantId}/appointments/{appointmentId}',
      },
      realB,
      {},
      asB,
    );
    const verified = await call(
      { service: 'audit-log', method: 'GET', path: '/v1/audit-events/verify' },
      {},
      {},
      asB,
    );
    const texts = stack.twilio.messages().filter((message) => message.to === phoneB.e164);

    expect(JSON.parse(appointment.body)).toMatchObject({
      id: realB.appointmentId,
      status: 'booked',
    });
    expect(JSON.parse(verified.body)).toMatchObject({ valid: true });
    expect(texts).toHaveLength(1);
    const [offer] = await stack
      .database('waitlist')
      .query<{ status: string; entry_status: string }>(
        `SELECT o.status, e.status AS entry_status FROM waitlist_offer o
           JOIN waitlist_entry e ON e.id = o.entry_id WHERE o.id = $1`,
        [realB.offerId],
      );
    expect(offer).toEqual({ status: 'open', entry_status: 'open' });
  });
});
