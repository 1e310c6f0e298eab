import { randomBytes, randomUUID } from 'node:crypto';

import { type INestApplication } from '@nestjs/common';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';

import {
  createEnvelope,
  decodeEvent,
  type DecodedEvent,
  encodeEnvelope,
  ResponseKind,
  ResponseSource,
  SlotSnapshotTrigger,
  timestampFromDate,
  Topics,
  WriteBackAction,
  WriteBackFailureReason,
} from '@caredispatch/contracts';
import { envelopeHeaders, inTenantTransaction } from '@caredispatch/kafka';
import { createHttpApp } from '@caredispatch/platform';
import {
  EhrFhirStandIn,
  eventually,
  type FhirResource,
  freePort,
  newWebhookSecret,
  OFFLINE_OIDC_ENVIRONMENT,
  phiEnvironment,
  startGroupAtTopicEnds,
  ThrowawayDatabase,
  TopicRecorder,
} from '@caredispatch/testing';

import { AppModule, SERVICE_NAME } from '../app.module';
import { loadEhrGatewayConfig } from '../config';
import { ehrWebhookErrors } from '../ehr-webhook/ehr-webhook.errors';

import { WriteBackRepository } from './write-back.repository';
import { WriteBackService } from './write-back.service';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const CONFIRMED_MARKER = 'https://practice.example/fhir/StructureDefinition/patient-confirmed';
/** Tomorrow 14:00 UTC: the practice's slots lie inside the gateway's free-slot window. */
const FIRST_SLOT = Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 14 * 3_600_000;
/** N of "surfaced after N minutes", short for the test (18 s) yet longer than a restart. */
const GIVE_UP_MINUTES = 0.3;

type WriteBackEvent = DecodedEvent<'WriteBackSucceededV1' | 'WriteBackFailedV1'>;

/** One practice's EHR data: people, a schedule with free slots, and booked visits. */
function practiceResources(): FhirResource[] {
  const slot = (index: number, status: string): FhirResource => ({
    resourceType: 'Slot',
    id: `slot-${index}`,
    schedule: { reference: 'Schedule/sched-1' },
    status,
    start: new Date(FIRST_SLOT + index * 1_800_000).toISOString(),
    end: new Date(FIRST_SLOT + (index + 1) * 1_800_000).toISOString(),
  });
  return [
    {
      resourceType: 'Patient',
      id: 'pat-1',
      name: [{ family: 'Rivera', given: ['Maria'] }],
      telecom: [{ system: 'phone', value: '(415) 555-2671', use: 'mobile' }],
    },
    {
      resourceType: 'Practitioner',
      id: 'prac-1',
      name: [{ family: 'Okafor', given: ['Chidi'], prefix: ['Dr.'] }],
    },
    {
      resourceType: 'Location',
      id: 'loc-1',
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/New_York' },
      ],
      name: 'Downtown',
      address: { line: ['120 Harbor St'], city: 'Boston', state: 'MA', postalCode: '02110' },
      managingOrganization: { reference: 'Organization/org-1' },
    },
    { resourceType: 'Organization', id: 'org-1', name: 'Harbor Family Dental' },
    {
      resourceType: 'Schedule',
      id: 'sched-1',
      active: true,
      actor: [{ reference: 'Practitioner/prac-1' }, { reference: 'Location/loc-1' }],
      serviceType: [{ coding: [{ code: 'ROUTINE' }] }],
    },
    slot(0, 'busy'),
    slot(1, 'busy'),
    slot(2, 'busy'),
    slot(3, 'free'),
    slot(4, 'free'),
    slot(5, 'busy'),
    slot(6, 'busy'),
    slot(7, 'busy'),
  ];
}

function appointment(id: string, slotIndex: number): FhirResource {
  const start = FIRST_SLOT + slotIndex * 1_800_000;
  return {
    resourceType: 'Appointment',
    id,
    status: 'booked',
    start: new Date(start).toISOString(),
    end: new Date(start + 1_800_000).toISOString(),
    minutesDuration: 30,
    slot: [{ reference: `Slot/slot-${slotIndex}` }],
    participant: [
      { actor: { reference: 'Patient/pat-1' }, required: 'required', status: 'needs-action' },
      { actor: { reference: 'Practitioner/prac-1' }, required: 'required', status: 'accepted' },
      { actor: { reference: 'Location/loc-1' }, required: 'required', status: 'accepted' },
    ],
  };
}

function patientStatusOf(resource: FhirResource | undefined): unknown {
  const participants = (resource?.participant ?? []) as {
    actor: { reference: string };
    status: string;
  }[];
  return participants.find((entry) => entry.actor.reference.startsWith('Patient/'))?.status;
}

/**
 * ehr-gateway's write-back against the EHR stand-in (a real FHIR server with SMART Backend
 * Services), a throwaway PostgreSQL database and the real broker: patient responses are
 * published on messaging.patient-response.v1 as messaging would, outcomes read back from
 * ehr.write-back.v1, the EHR's webhooks come back to the gateway's real endpoint.
 */
describe(WriteBackService.name, () => {
  const tenantId = `wb-${randomBytes(4).toString('hex')}`;
  /** A second practice, whose token endpoint goes down. */
  const otherTenantId = `wb-${randomBytes(4).toString('hex')}`;
  const secret = newWebhookSecret();
  const ehr = new EhrFhirStandIn();
  const recorder = new TopicRecorder(brokers);
  let database: ThrowawayDatabase;
  let app: INestApplication;
  let producer: Producer;
  let port: number;
  let config: ReturnType<typeof loadEhrGatewayConfig>;

  function startApp(): Promise<INestApplication> {
    return createHttpApp(AppModule.forRoot(config), {
      serviceName: SERVICE_NAME,
      port,
      logLevel: 'error',
      shutdownTimeoutMs: 10_000,
      errors: ehrWebhookErrors,
    });
  }

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('ehr_gateway_write_back_it');
    await ehr.start();
    ehr.seed(...practiceResources());
    const keys = await generateKeyPair('RS384', { extractable: true });
    const otherKeys = await generateKeyPair('ES384', { extractable: true });
    await ehr.registerClient('caredispatch-a', await exportJWK(keys.publicKey), 'RS384');
    await ehr.registerClient('caredispatch-b', await exportJWK(otherKeys.publicKey), 'ES384');

    const kafka = new Kafka({ clientId: `wb-it-${tenantId}`, brokers, logLevel: logLevel.NOTHING });
    const groupId = `ehr-gateway-wb-it-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, groupId, [
      Topics.MessagingPatientResponseV1,
      Topics.WaitlistSlotV1,
      Topics.DispatchRosterImportV1,
      Topics.DispatchEhrAssignmentV1,
    ]);
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    await recorder.start([Topics.EhrWriteBackV1, Topics.EhrAppointmentV1, Topics.EhrSlotV1]);

    port = await freePort();
    const connection = (clientId: string, algorithm: string) => ({
      fhirBaseUrl: ehr.fhirBaseUrl,
      tokenUrl: ehr.tokenUrl,
      clientId,
      keyId: `${clientId}-key-1`,
      algorithm,
      confirmationMarker: { type: 'extension', url: CONFIRMED_MARKER },
    });
    config = loadEhrGatewayConfig({
      // The runtime role under row-level security, migrated by the owner (as in production):
      // the relay's cross-tenant claim and every per-tenant write run under the policies.
      DATABASE_URL: database.runtimeUrl,
      DATABASE_MIGRATION_URL: database.ownerUrl,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_CONSUMER_GROUP: groupId,
      HTTP_PORT: String(port),
      EHR_WEBHOOK_SECRETS: JSON.stringify({ [tenantId]: secret, [otherTenantId]: secret }),
      EHR_CONNECTIONS: JSON.stringify({
        [tenantId]: connection('caredispatch-a', 'RS384'),
        [otherTenantId]: connection('caredispatch-b', 'ES384'),
      }),
      EHR_PRIVATE_KEYS: JSON.stringify({
        [tenantId]: await exportPKCS8(keys.privateKey),
        [otherTenantId]: await exportPKCS8(otherKeys.privateKey),
      }),
      EHR_WRITE_BACK_POLL_INTERVAL_MS: '100',
      EHR_WRITE_BACK_RETRY_BASE_MS: '100',
      EHR_WRITE_BACK_RETRY_MAX_MS: '400',
      EHR_WRITE_BACK_GIVE_UP_MINUTES: String(GIVE_UP_MINUTES),
      EHR_SLOT_POLL_INTERVAL_MS: '0',
      ...phiEnvironment(),
      ...OFFLINE_OIDC_ENVIRONMENT,
    });
    app = await startApp();
    ehr.setWebhookTarget(`http://127.0.0.1:${port}/v1/tenants/${tenantId}/webhooks/fhir`, secret);
  }, 90_000);

  afterAll(async () => {
    await app.close();
    await ehr.stop();
    await producer.disconnect();
    await recorder.stop();
    await database.drop();
  }, 60_000);

  /** Books `id` in the EHR and lets the gateway see it, as a front desk booking would. */
  async function booked(id: string, slotIndex: number): Promise<{ appointmentId: string }> {
    ehr.seed(appointment(id, slotIndex));
    await ehr.staffEdit('Appointment', id, () => undefined);
    await eventually(
      () =>
        Promise.resolve(
          appointmentEvents(id).find((event) => event.type === 'EhrAppointmentBookedV1'),
        ),
      30_000,
      `booking of ${id} published`,
    );
    return { appointmentId: randomUUID() };
  }

  interface Response {
    readonly appointmentId: string;
    readonly ehrAppointmentId: string;
    readonly appointmentRevision: number;
    readonly kind: ResponseKind;
    readonly responseId?: string;
    readonly slotId?: string;
    readonly newStart?: ReturnType<typeof timestampFromDate>;
    readonly newEnd?: ReturnType<typeof timestampFromDate>;
  }

  async function respond(
    payload: Response,
    tenant = tenantId,
  ): Promise<{ responseId: string; eventId: string }> {
    const responseId = payload.responseId ?? randomUUID();
    const envelope = createEnvelope(
      {
        type: 'PatientRespondedV1',
        tenantId: tenant,
        aggregateId: payload.appointmentId,
        payload: {
          ...payload,
          responseId,
          source: ResponseSource.LINK_PAGE,
          respondedAt: timestampFromDate(new Date()),
        },
      },
      { producer: 'messaging' },
    );
    await producer.send({
      topic: Topics.MessagingPatientResponseV1,
      messages: [
        {
          key: envelope.aggregateId,
          value: Buffer.from(encodeEnvelope(envelope)),
          headers: envelopeHeaders(envelope),
        },
      ],
    });
    return { responseId, eventId: envelope.eventId };
  }

  function writeBackEvents(responseId: string): WriteBackEvent[] {
    return recorder
      .messages(Topics.EhrWriteBackV1)
      .map((message) => decodeEvent(message.value))
      .filter(
        (event): event is WriteBackEvent =>
          (event.type === 'WriteBackSucceededV1' || event.type === 'WriteBackFailedV1') &&
          event.payload.responseId === responseId,
      );
  }

  function outcomeOf(responseId: string, timeoutMs = 30_000): Promise<WriteBackEvent> {
    return eventually(
      () => Promise.resolve(writeBackEvents(responseId).at(0)),
      timeoutMs,
      `write-back outcome of ${responseId}`,
    );
  }

  function appointmentEvents(ehrAppointmentId: string): DecodedEvent[] {
    return recorder
      .messages(Topics.EhrAppointmentV1)
      .filter((message) => message.headers['tenant-id'] === tenantId)
      .map((message) => decodeEvent(message.value))
      .filter(
        (event) =>
          (event.type === 'EhrAppointmentBookedV1' ||
            event.type === 'EhrAppointmentRescheduledV1' ||
            event.type === 'EhrAppointmentCancelledV1') &&
          event.payload.appointment?.ehrAppointmentId === ehrAppointmentId,
      );
  }

  function updatesOf(ehrAppointmentId: string): number {
    return ehr
      .requests()
      .filter(
        (request) =>
          request.method === 'PUT' &&
          request.path === `/fhir/Appointment/${ehrAppointmentId}` &&
          request.status === 200,
      ).length;
  }

  async function deliveryOutcomes(ehrAppointmentId: string): Promise<string[]> {
    const rows = await database.query<{ outcome: string }>(
      `SELECT outcome FROM ehr_webhook_delivery WHERE ehr_appointment_id = $1 ORDER BY received_at`,
      [ehrAppointmentId],
    );
    return rows.map((row) => row.outcome);
  }

  it('should write a confirmation back once, as accepted with the marker, and take its echo for its own', async () => {
    const { appointmentId } = await booked('appt-confirm', 0);
    const response = await respond({
      appointmentId,
      ehrAppointmentId: 'appt-confirm',
      appointmentRevision: 1,
      kind: ResponseKind.CONFIRMED,
    });

    const outcome = await outcomeOf(response.responseId);
    // messaging redelivers the same response (a double tap is one response): nothing more.
    await respond({
      appointmentId,
      ehrAppointmentId: 'appt-confirm',
      appointmentRevision: 1,
      kind: ResponseKind.CONFIRMED,
      responseId: response.responseId,
    });
    await ehr.settleWebhooks();
    const stored = ehr.read('Appointment', 'appt-confirm');

    expect(outcome.type).toBe('WriteBackSucceededV1');
    // Claimed by the cross-tenant relay job, finished in the job's tenant's transaction.
    expect(outcome.envelope.tenantId).toBe(tenantId);
    expect(outcome.envelope.causationId).toBe(response.eventId);
    expect(outcome.payload).toMatchObject({
      action: WriteBackAction.CONFIRM,
      ehrVersion: (stored?.meta as { versionId: string }).versionId,
      alreadyApplied: false,
    });
    expect(patientStatusOf(stored)).toBe('accepted');
    expect(stored?.extension).toEqual([{ url: CONFIRMED_MARKER, valueBoolean: true }]);
    expect(updatesOf('appt-confirm')).toBe(1);
    expect(ehr.requests().find((request) => request.method === 'PUT')?.ifMatch).toBe('W/"2"');
    // The echo: recorded, recognised, and nothing published after the booking.
    await eventually(
      async () => ((await deliveryOutcomes('appt-confirm')).length === 2 ? true : undefined),
      30_000,
      'echo webhook recorded',
    );
    expect(await deliveryOutcomes('appt-confirm')).toEqual(['accepted', 'ignored']);
    expect(
      ehr
        .webhookDeliveries()
        .filter((delivery) => delivery.appointmentId === 'appt-confirm')
        .map((delivery) => delivery.receipt),
    ).toEqual([
      { status: 'accepted', eventId: expect.any(String) as unknown },
      { status: 'ignored', reason: 'OWN_WRITE_BACK' },
    ]);
    expect(appointmentEvents('appt-confirm').map((event) => event.type)).toEqual([
      'EhrAppointmentBookedV1',
    ]);
    expect(writeBackEvents(response.responseId)).toHaveLength(1);
  });

  it('should cancel in the EHR with reason patient, free the slot and mark the echo as caused by the response', async () => {
    const { appointmentId } = await booked('appt-cancel', 1);
    const response = await respond({
      appointmentId,
      ehrAppointmentId: 'appt-cancel',
      appointmentRevision: 1,
      kind: ResponseKind.CANCELLED,
    });

    const outcome = await outcomeOf(response.responseId);
    const echo = await eventually(
      () =>
        Promise.resolve(
          appointmentEvents('appt-cancel').find(
            (event) => event.type === 'EhrAppointmentCancelledV1',
          ),
        ),
      30_000,
      'cancellation echo published',
    );
    const snapshot = await eventually(
      () =>
        Promise.resolve(
          recorder
            .messages(Topics.EhrSlotV1)
            .map((message) => decodeEvent(message.value))
            .find(
              (event) =>
                event.type === 'EhrFreeSlotsV1' &&
                event.envelope.tenantId === tenantId &&
                event.payload.slots.some((slot) => slot.slotId === 'slot-1'),
            ),
        ),
      30_000,
      'free slots published after the cancellation',
    );

    expect(outcome).toMatchObject({
      type: 'WriteBackSucceededV1',
      payload: { action: WriteBackAction.CANCEL },
    });
    expect(ehr.read('Appointment', 'appt-cancel')).toMatchObject({
      status: 'cancelled',
      cancelationReason: { coding: [{ code: 'pat' }], text: 'patient' },
    });
    expect(ehr.read('Slot', 'slot-1')?.status).toBe('free');
    expect(echo.envelope.causationId).toBe(response.eventId);
    expect(snapshot).toMatchObject({
      type: 'EhrFreeSlotsV1',
      payload: {
        ehrScheduleId: 'sched-1',
        ehrPractitionerIds: ['prac-1'],
        ehrLocationIds: ['loc-1'],
        trigger: SlotSnapshotTrigger.AFTER_WRITE_BACK,
      },
    });
  });

  it('should move the appointment to the chosen free slot', async () => {
    const { appointmentId } = await booked('appt-move', 2);
    const chosen = ehr.read('Slot', 'slot-3');
    const response = await respond({
      appointmentId,
      ehrAppointmentId: 'appt-move',
      appointmentRevision: 1,
      kind: ResponseKind.RESCHEDULED,
      slotId: 'slot-3',
      newStart: timestampFromDate(new Date(String(chosen?.start))),
      newEnd: timestampFromDate(new Date(String(chosen?.end))),
    });

    const outcome = await outcomeOf(response.responseId);

    expect(outcome).toMatchObject({
      type: 'WriteBackSucceededV1',
      payload: { action: WriteBackAction.RESCHEDULE, slotId: 'slot-3' },
    });
    expect(ehr.read('Appointment', 'appt-move')).toMatchObject({
      start: chosen?.start,
      end: chosen?.end,
      slot: [{ reference: 'Slot/slot-3' }],
    });
    expect(ehr.read('Slot', 'slot-3')?.status).toBe('busy');
    expect(ehr.read('Slot', 'slot-2')?.status).toBe('free');
  });

  it('should not move a visit into a slot taken meanwhile, and say so', async () => {
    const { appointmentId } = await booked('appt-late', 5);
    const taken = ehr.read('Slot', 'slot-0');
    const response = await respond({
      appointmentId,
      ehrAppointmentId: 'appt-late',
      appointmentRevision: 1,
      kind: ResponseKind.RESCHEDULED,
      slotId: 'slot-0',
      newStart: timestampFromDate(new Date(String(taken?.start))),
      newEnd: timestampFromDate(new Date(String(taken?.end))),
    });

    const outcome = await outcomeOf(response.responseId);

    expect(outcome).toMatchObject({
      type: 'WriteBackFailedV1',
      payload: { reason: WriteBackFailureReason.SLOT_TAKEN, staffActionRequired: true },
    });
    expect(ehr.read('Appointment', 'appt-late')).toMatchObject({
      slot: [{ reference: 'Slot/slot-5' }],
    });
    expect(updatesOf('appt-late')).toBe(0);
  });

  it('should let a staff change made between read and write win (412, re-read, not applied)', async () => {
    const { appointmentId } = await booked('appt-race', 6);
    const staffStart = '2031-03-11T15:00:00.000Z';
    ehr.staffEditBeforeNextUpdate('Appointment', 'appt-race', (resource) => {
      resource.start = staffStart;
      resource.end = '2031-03-11T15:30:00.000Z';
    });
    const response = await respond({
      appointmentId,
      ehrAppointmentId: 'appt-race',
      appointmentRevision: 1,
      kind: ResponseKind.CONFIRMED,
    });

    const outcome = await outcomeOf(response.responseId);
    const stored = ehr.read('Appointment', 'appt-race');

    expect(outcome).toMatchObject({
      type: 'WriteBackFailedV1',
      payload: {
        reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
        staffActionRequired: false,
      },
    });
    expect(
      ehr
        .requests()
        .filter(
          (request) => request.path === '/fhir/Appointment/appt-race' && request.method === 'PUT',
        )
        .map((request) => request.status),
    ).toEqual([412]);
    expect(stored?.start).toBe(staffStart);
    expect(patientStatusOf(stored)).toBe('needs-action');
  });

  it("should reuse one cached access token for all of a tenant's calls", () => {
    const exchanges = ehr
      .requests()
      .filter((request) => request.path === '/auth/token' && request.status === 200);

    expect(exchanges).toHaveLength(1);
  });

  it('should retry through 429 and 500 answers and land the write-back once afterwards', async () => {
    const { appointmentId } = await booked('appt-busy', 7);
    ehr.failNext(2, 429);
    ehr.failNext(2, 500);
    const response = await respond({
      appointmentId,
      ehrAppointmentId: 'appt-busy',
      appointmentRevision: 1,
      kind: ResponseKind.CONFIRMED,
    });

    const outcome = await outcomeOf(response.responseId);

    expect(outcome.type).toBe('WriteBackSucceededV1');
    expect(outcome.payload.attempts).toBe(5);
    expect(patientStatusOf(ehr.read('Appointment', 'appt-busy'))).toBe('accepted');
    expect(updatesOf('appt-busy')).toBe(1);
    expect(writeBackEvents(response.responseId)).toHaveLength(1);
  });

  it('should finish a write-back staged before a restart', async () => {
    const { appointmentId } = await booked('appt-restart', 4);
    ehr.failAll(503);
    const response = await respond({
      appointmentId,
      ehrAppointmentId: 'appt-restart',
      appointmentRevision: 1,
      kind: ResponseKind.CONFIRMED,
    });
    await eventually(
      async () => {
        const jobs = await database.query<{ attempts: number }>(
          `SELECT attempts FROM ehr_write_back_job WHERE response_id = $1`,
          [response.responseId],
        );
        return jobs.some((job) => job.attempts >= 1) ? true : undefined;
      },
      30_000,
      'a first attempt failed',
    );

    await app.close();
    ehr.recover();
    app = await startApp();
    const outcome = await outcomeOf(response.responseId);

    expect(outcome.type).toBe('WriteBackSucceededV1');
    expect(outcome.payload.attempts).toBeGreaterThan(1);
    expect(patientStatusOf(ehr.read('Appointment', 'appt-restart'))).toBe('accepted');
    expect(updatesOf('appt-restart')).toBe(1);
  });

  it('should retry while the token endpoint is down and surface the failure after the configured minutes', async () => {
    ehr.seed(appointment('appt-other', 4));
    ehr.setTokenEndpointDown(true);
    const started = Date.now();
    const response = await respond(
      {
        appointmentId: randomUUID(),
        ehrAppointmentId: 'appt-other',
        appointmentRevision: 1,
        kind: ResponseKind.CONFIRMED,
      },
      otherTenantId,
    );

    try {
      const outcome = await outcomeOf(response.responseId, 60_000);

      expect(outcome).toMatchObject({
        type: 'WriteBackFailedV1',
        // The second practice's job: postponed and failed in its own tenant's transactions.
        envelope: { tenantId: otherTenantId },
        payload: {
          reason: WriteBackFailureReason.AUTHORIZATION_FAILED,
          staffActionRequired: true,
        },
      });
      expect(outcome.payload.attempts).toBeGreaterThan(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(GIVE_UP_MINUTES * 60_000);
      expect(updatesOf('appt-other')).toBe(0);
    } finally {
      ehr.setTokenEndpointDown(false);
    }
  });
  describe('waitlist fills (WaitlistBookingRequestedV1 → action BOOK)', () => {
    /** A freed time: `id` booked into a fresh Slot, then cancelled by staff (the Slot is free). */
    async function freedAppointment(
      id: string,
      slotIndex: number,
    ): Promise<{ version: string; start: Date; end: Date }> {
      const start = FIRST_SLOT + slotIndex * 1_800_000;
      ehr.seed({
        resourceType: 'Slot',
        id: `slot-${slotIndex}`,
        schedule: { reference: 'Schedule/sched-1' },
        status: 'busy',
        start: new Date(start).toISOString(),
        end: new Date(start + 1_800_000).toISOString(),
      });
      await booked(id, slotIndex);
      await ehr.staffEdit('Appointment', id, (appointment) => {
        appointment.status = 'cancelled';
      });
      const { versionId: version } = ehr.read('Appointment', id)?.meta as { versionId: string };
      return { version, start: new Date(start), end: new Date(start + 1_800_000) };
    }

    /**
     * The waitlist's booking request; with `kept`, for an acceptor who keeps that visit (the
     * gateway moves it). `offerId` again = the same request delivered again.
     */
    async function requestBooking(
      ehrAppointmentId: string,
      freed: { version: string; start: Date; end: Date },
      options: { kept?: { ehrAppointmentId: string; version: string }; offerId?: string } = {},
    ): Promise<{ offerId: string; eventId: string }> {
      const offerId = options.offerId ?? randomUUID();
      const slotId = randomUUID();
      const envelope = createEnvelope(
        {
          type: 'WaitlistBookingRequestedV1',
          tenantId,
          aggregateId: slotId,
          payload: {
            slotId,
            offerId,
            entryId: randomUUID(),
            patientId: randomUUID(),
            ehrPatientId: 'pat-1',
            freedByAppointmentId: randomUUID(),
            freedEhrAppointmentId: ehrAppointmentId,
            freedEhrVersion: freed.version,
            start: timestampFromDate(freed.start),
            end: timestampFromDate(freed.end),
            appointmentTypeCode: 'ROUTINE',
            ...(options.kept && {
              ehrPatientId: '',
              keptEhrAppointmentId: options.kept.ehrAppointmentId,
              keptEhrVersion: options.kept.version,
            }),
          },
        },
        { producer: 'waitlist' },
      );
      await producer.send({
        topic: Topics.WaitlistSlotV1,
        messages: [
          {
            key: envelope.aggregateId,
            value: Buffer.from(encodeEnvelope(envelope)),
            headers: envelopeHeaders(envelope),
          },
        ],
      });
      return { offerId, eventId: envelope.eventId };
    }

    it('should book the acceptor into the freed Slot with the same practitioner and location, and publish the booking', async () => {
      const freed = await freedAppointment('appt-freed', 8);
      const { offerId } = await requestBooking('appt-freed', freed);

      const outcome = await outcomeOf(offerId);

      expect(outcome).toMatchObject({
        type: 'WriteBackSucceededV1',
        payload: { action: WriteBackAction.BOOK, ehrAppointmentId: 'appt-freed' },
      });
      const bookingId =
        outcome.type === 'WriteBackSucceededV1' ? outcome.payload.newEhrAppointmentId : '';
      expect(ehr.read('Appointment', bookingId)).toMatchObject({
        status: 'booked',
        start: freed.start.toISOString(),
        end: freed.end.toISOString(),
        slot: [{ reference: 'Slot/slot-8' }],
        participant: [
          { actor: { reference: 'Patient/pat-1' }, status: 'accepted' },
          { actor: { reference: 'Practitioner/prac-1' } },
          { actor: { reference: 'Location/loc-1' } },
        ],
      });
      expect(ehr.read('Slot', 'slot-8')).toMatchObject({ status: 'busy' });
      // The EHR's webhook of the new booking reaches scheduling as a booking (its confirmation).
      const echo = await eventually(
        () => Promise.resolve(appointmentEvents(bookingId).at(0)),
        30_000,
        'the booking echoed',
      );
      expect(echo.type).toBe('EhrAppointmentBookedV1');
    });

    it('should not book a Slot staff took after the cancellation, and say SLOT_TAKEN', async () => {
      const freed = await freedAppointment('appt-freed-taken', 9);
      await ehr.staffEdit('Slot', 'slot-9', (slot) => {
        slot.status = 'busy';
      });
      const creates = (): number =>
        ehr
          .requests()
          .filter((request) => request.method === 'POST' && request.path === '/fhir/Appointment')
          .length;
      const before = creates();
      const { offerId } = await requestBooking('appt-freed-taken', freed);

      const outcome = await outcomeOf(offerId);

      expect(outcome).toMatchObject({
        type: 'WriteBackFailedV1',
        payload: { action: WriteBackAction.BOOK, reason: WriteBackFailureReason.SLOT_TAKEN },
      });
      expect(creates()).toBe(before);
    });

    it('should not book when staff changed the freed appointment since (optimistic concurrency on its version)', async () => {
      const freed = await freedAppointment('appt-freed-rebooked', 10);
      await ehr.staffEdit('Appointment', 'appt-freed-rebooked', (appointment) => {
        appointment.status = 'booked';
      });
      const { offerId } = await requestBooking('appt-freed-rebooked', freed);

      const outcome = await outcomeOf(offerId);

      expect(outcome).toMatchObject({
        type: 'WriteBackFailedV1',
        payload: { action: WriteBackAction.BOOK, reason: WriteBackFailureReason.SLOT_TAKEN },
      });
    });

    describe('waitlist fills of a kept visit (WaitlistBookingRequestedV1 with kept_ehr_appointment_id)', () => {
      /** The acceptor's kept visit, booked at `slotIndex` and seen by the gateway; its version. */
      async function keptVisit(id: string, slotIndex: number): Promise<{ version: string }> {
        await booked(id, slotIndex);
        return { version: (ehr.read('Appointment', id)?.meta as { versionId: string }).versionId };
      }

      const creates = (): number =>
        ehr
          .requests()
          .filter((request) => request.method === 'POST' && request.path === '/fhir/Appointment')
          .length;

      it('should move the kept visit to the freed time once, however often the request comes, and echo it as a move caused by the request', async () => {
        const freed = await freedAppointment('appt-freed-move', 30);
        const kept = await keptVisit('appt-kept-move', 34);
        const createsBefore = creates();
        const request = await requestBooking('appt-freed-move', freed, {
          kept: { ehrAppointmentId: 'appt-kept-move', ...kept },
        });

        const outcome = await outcomeOf(request.offerId);
        const again = await requestBooking('appt-freed-move', freed, {
          kept: { ehrAppointmentId: 'appt-kept-move', ...kept },
          offerId: request.offerId,
        });
        const echo = await eventually(
          () =>
            Promise.resolve(
              appointmentEvents('appt-kept-move').find(
                (event) => event.type === 'EhrAppointmentRescheduledV1',
              ),
            ),
          30_000,
          'the move echoed',
        );
        await eventually(
          async () => {
            const rows = await database.query<{ event_id: string }>(
              `SELECT event_id FROM inbox_event WHERE event_id = $1`,
              [again.eventId],
            );
            return rows.length === 1 ? true : undefined;
          },
          30_000,
          'the repeated request consumed',
        );
        const stored = ehr.read('Appointment', 'appt-kept-move');

        expect(outcome).toMatchObject({
          type: 'WriteBackSucceededV1',
          payload: {
            action: WriteBackAction.BOOK,
            ehrAppointmentId: 'appt-kept-move',
            newEhrAppointmentId: 'appt-kept-move',
            ehrVersion: (stored?.meta as { versionId: string }).versionId,
            alreadyApplied: false,
          },
        });
        expect(stored).toMatchObject({
          status: 'booked',
          start: freed.start.toISOString(),
          end: freed.end.toISOString(),
          slot: [{ reference: 'Slot/slot-30' }],
          participant: [
            { actor: { reference: 'Patient/pat-1' } },
            { actor: { reference: 'Practitioner/prac-1' } },
            { actor: { reference: 'Location/loc-1' } },
          ],
        });
        expect(ehr.read('Slot', 'slot-30')).toMatchObject({ status: 'busy' });
        expect(creates()).toBe(createsBefore);
        expect(updatesOf('appt-kept-move')).toBe(1);
        expect(writeBackEvents(request.offerId)).toHaveLength(1);
        // Ours: the patient's confirmation of the new time is caused by the booking request.
        expect(echo.envelope.causationId).toBe(request.eventId);
        expect(echo.envelope.correlationId).toBe(outcome.envelope.correlationId);
      });

      it('should not overwrite a staff save of the kept visit between read and write (412) and say KEPT_VISIT_CHANGED', async () => {
        const freed = await freedAppointment('appt-freed-race', 31);
        const kept = await keptVisit('appt-kept-race', 35);
        ehr.staffEditBeforeNextUpdate('Appointment', 'appt-kept-race', (resource) => {
          resource.comment = 'staff saved';
        });
        const { offerId } = await requestBooking('appt-freed-race', freed, {
          kept: { ehrAppointmentId: 'appt-kept-race', ...kept },
        });

        const outcome = await outcomeOf(offerId);

        expect(outcome).toMatchObject({
          type: 'WriteBackFailedV1',
          payload: {
            action: WriteBackAction.BOOK,
            reason: WriteBackFailureReason.KEPT_VISIT_CHANGED,
            httpStatus: 412,
            staffActionRequired: false,
          },
        });
        expect(ehr.read('Appointment', 'appt-kept-race')).toMatchObject({
          comment: 'staff saved',
          start: new Date(FIRST_SLOT + 35 * 1_800_000).toISOString(),
        });
        expect(updatesOf('appt-kept-race')).toBe(0);
      });

      it('should not move the kept visit into a Slot staff took after the cancellation, and say SLOT_TAKEN', async () => {
        const freed = await freedAppointment('appt-freed-gone', 32);
        const kept = await keptVisit('appt-kept-stays', 36);
        await ehr.staffEdit('Slot', 'slot-32', (slot) => {
          slot.status = 'busy';
        });
        const { offerId } = await requestBooking('appt-freed-gone', freed, {
          kept: { ehrAppointmentId: 'appt-kept-stays', ...kept },
        });

        const outcome = await outcomeOf(offerId);

        expect(outcome).toMatchObject({
          type: 'WriteBackFailedV1',
          payload: { action: WriteBackAction.BOOK, reason: WriteBackFailureReason.SLOT_TAKEN },
        });
        expect(updatesOf('appt-kept-stays')).toBe(0);
      });

      it('should not move a kept visit staff cancelled since, and say KEPT_VISIT_CHANGED', async () => {
        const freed = await freedAppointment('appt-freed-4', 33);
        const kept = await keptVisit('appt-kept-cancelled', 37);
        await ehr.staffEdit('Appointment', 'appt-kept-cancelled', (appointment) => {
          appointment.status = 'cancelled';
        });
        const { offerId } = await requestBooking('appt-freed-4', freed, {
          kept: { ehrAppointmentId: 'appt-kept-cancelled', ...kept },
        });

        const outcome = await outcomeOf(offerId);

        expect(outcome).toMatchObject({
          type: 'WriteBackFailedV1',
          payload: {
            action: WriteBackAction.BOOK,
            reason: WriteBackFailureReason.KEPT_VISIT_CHANGED,
          },
        });
        expect(updatesOf('appt-kept-cancelled')).toBe(0);
      });
    });
  });

  /** dispatch-optimizer's plan moved a visit to another provider (dispatch.ehr-assignment.v1). */
  describe('dispatch reassignments', () => {
    beforeAll(() => {
      // The practitioners the plan and the staff choose, and the Slots the visits hold.
      ehr.seed(
        ...['prac-2', 'prac-7', 'prac-9'].map((id) => ({
          resourceType: 'Practitioner',
          id,
          name: [{ family: `Doctor ${id}`, given: ['Sam'] }],
        })),
        ...[20, 21, 22, 23].map((index) => ({
          resourceType: 'Slot',
          id: `slot-${index}`,
          schedule: { reference: 'Schedule/sched-1' },
          status: 'busy',
          start: new Date(FIRST_SLOT + index * 1_800_000).toISOString(),
          end: new Date(FIRST_SLOT + (index + 1) * 1_800_000).toISOString(),
        })),
      );
    });

    async function requestReassignment(
      ehrAppointmentId: string,
      ehrPractitionerId: string,
      requestId: string = randomUUID(),
    ): Promise<{ requestId: string; eventId: string }> {
      const appointmentId = randomUUID();
      const envelope = createEnvelope(
        {
          type: 'AssignmentWriteBackRequestedV1',
          tenantId,
          aggregateId: appointmentId,
          payload: {
            requestId,
            appointmentId,
            ehrAppointmentId,
            providerId: `provider-${ehrPractitionerId}`,
            ehrPractitionerId,
            bookedEhrPractitionerId: 'prac-1',
            planId: randomUUID(),
            planVersion: 1,
          },
        },
        { producer: 'dispatch-optimizer' },
      );
      await producer.send({
        topic: Topics.DispatchEhrAssignmentV1,
        messages: [
          {
            key: envelope.aggregateId,
            value: Buffer.from(encodeEnvelope(envelope)),
            headers: envelopeHeaders(envelope),
          },
        ],
      });
      return { requestId, eventId: envelope.eventId };
    }

    function practitionersOf(resource: FhirResource | undefined): string[] {
      const participants = (resource?.participant ?? []) as { actor: { reference: string } }[];
      return participants
        .map((entry) => entry.actor.reference)
        .filter((reference) => reference.startsWith('Practitioner/'));
    }

    it('should replace the practitioner with If-Match once, however often the request comes, and take the echo for its own', async () => {
      await booked('appt-reassign', 20);
      const request = await requestReassignment('appt-reassign', 'prac-2');

      const outcome = await outcomeOf(request.requestId);
      // The same request delivered again (a producer retry): no second write.
      const again = await requestReassignment('appt-reassign', 'prac-2', request.requestId);
      await eventually(
        async () => ((await deliveryOutcomes('appt-reassign')).length === 2 ? true : undefined),
        30_000,
        'echo webhook recorded',
      );
      await eventually(
        async () => {
          const rows = await database.query<{ event_id: string }>(
            `SELECT event_id FROM inbox_event WHERE event_id = $1`,
            [again.eventId],
          );
          return rows.length === 1 ? true : undefined;
        },
        30_000,
        'the repeated request consumed',
      );
      const stored = ehr.read('Appointment', 'appt-reassign');
      const put = ehr
        .requests()
        .find(
          (entry) => entry.method === 'PUT' && entry.path === '/fhir/Appointment/appt-reassign',
        );

      expect(outcome).toMatchObject({
        type: 'WriteBackSucceededV1',
        payload: {
          action: WriteBackAction.REASSIGN,
          ehrAppointmentId: 'appt-reassign',
          ehrVersion: (stored?.meta as { versionId: string }).versionId,
          alreadyApplied: false,
        },
      });
      expect(outcome.envelope.causationId).toBe(request.eventId);
      expect(practitionersOf(stored)).toEqual(['Practitioner/prac-2']);
      expect(patientStatusOf(stored)).toBe('needs-action');
      expect(put?.ifMatch).toBe('W/"2"');
      expect(updatesOf('appt-reassign')).toBe(1);
      expect(
        ehr
          .webhookDeliveries()
          .filter((delivery) => delivery.appointmentId === 'appt-reassign')
          .map((delivery) => delivery.receipt),
      ).toEqual([
        { status: 'accepted', eventId: expect.any(String) as unknown },
        { status: 'ignored', reason: 'OWN_WRITE_BACK' },
      ]);
      expect(appointmentEvents('appt-reassign').map((event) => event.type)).toEqual([
        'EhrAppointmentBookedV1',
      ]);
      expect(writeBackEvents(request.requestId)).toHaveLength(1);
    });

    it('should not overwrite a staff save between read and write (412) and say SUPERSEDED_BY_STAFF', async () => {
      await booked('appt-reassign-race', 21);
      ehr.staffEditBeforeNextUpdate('Appointment', 'appt-reassign-race', (resource) => {
        resource.participant = [
          { actor: { reference: 'Patient/pat-1' }, status: 'needs-action' },
          { actor: { reference: 'Practitioner/prac-9' }, status: 'accepted' },
        ];
      });
      const request = await requestReassignment('appt-reassign-race', 'prac-2');

      const outcome = await outcomeOf(request.requestId);

      expect(outcome).toMatchObject({
        type: 'WriteBackFailedV1',
        payload: {
          action: WriteBackAction.REASSIGN,
          reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
          httpStatus: 412,
          staffActionRequired: false,
        },
      });
      expect(practitionersOf(ehr.read('Appointment', 'appt-reassign-race'))).toEqual([
        'Practitioner/prac-9',
      ]);
      expect(updatesOf('appt-reassign-race')).toBe(0);
    });

    it('should leave a practitioner staff chose before the request alone, without writing', async () => {
      await booked('appt-reassign-staff', 22);
      await ehr.staffEdit('Appointment', 'appt-reassign-staff', (resource) => {
        resource.participant = [
          { actor: { reference: 'Patient/pat-1' }, status: 'needs-action' },
          { actor: { reference: 'Practitioner/prac-7' }, status: 'accepted' },
        ];
      });
      const puts = ehr.requests().filter((entry) => entry.method === 'PUT').length;
      const request = await requestReassignment('appt-reassign-staff', 'prac-2');

      const outcome = await outcomeOf(request.requestId);

      expect(outcome).toMatchObject({
        type: 'WriteBackFailedV1',
        payload: { reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF, httpStatus: 0 },
      });
      expect(ehr.requests().filter((entry) => entry.method === 'PUT')).toHaveLength(puts);
    });

    it('should write only the newest of two reassignments that arrive before either ran', async () => {
      await booked('appt-reassign-twice', 23);
      const repository = app.get(WriteBackRepository);
      const [older, newer] = [randomUUID(), randomUUID()];
      const reassignment = (responseId: string, ehrPractitionerId: string) => ({
        tenantId,
        responseId,
        responseEventId: randomUUID(),
        correlationId: randomUUID(),
        appointmentId: randomUUID(),
        ehrAppointmentId: 'appt-reassign-twice',
        action: 'reassign' as const,
        slotId: null,
        newStart: null,
        newEnd: null,
        ehrPractitionerId,
        bookedEhrPractitionerId: 'prac-1',
      });
      // Two requests consumed back to back, as the consumer stages them, before the relay ran.
      await inTenantTransaction(app.get(DataSource), tenantId, async (manager) => {
        await repository.stage(manager, reassignment(older, 'prac-2'), new Date());
        await repository.stage(manager, reassignment(newer, 'prac-9'), new Date());
      });

      const outcome = await outcomeOf(newer);
      const [olderJob] = await database.query<{ status: string }>(
        `SELECT status FROM ehr_write_back_job WHERE response_id = $1`,
        [older],
      );

      expect(outcome).toMatchObject({
        type: 'WriteBackSucceededV1',
        payload: { action: WriteBackAction.REASSIGN, alreadyApplied: false },
      });
      expect(practitionersOf(ehr.read('Appointment', 'appt-reassign-twice'))).toEqual([
        'Practitioner/prac-9',
      ]);
      expect(updatesOf('appt-reassign-twice')).toBe(1);
      expect(olderJob.status).toBe('superseded');
      // An appointment's jobs run in order: the older one would have been published first.
      expect(writeBackEvents(older)).toEqual([]);
    });
  });
});
