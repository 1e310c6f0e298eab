import { randomBytes, randomUUID } from 'node:crypto';

import { type INestApplication } from '@nestjs/common';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { Kafka, logLevel, type Producer } from 'kafkajs';

import {
  createEnvelope,
  decodeEvent,
  type DecodedEvent,
  encodeEnvelope,
  RosterFetchFailureReason,
  timestampFromDate,
  Topics,
} from '@caredispatch/contracts';
import { envelopeHeaders } from '@caredispatch/kafka';
import { createHttpApp } from '@caredispatch/platform';
import {
  EhrFhirStandIn,
  eventually,
  fhirPractitioner,
  fhirPractitionerRole,
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

import { RosterImportService } from './roster-import.service';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const PRACTITIONERS = 5;

type RosterAnswer = DecodedEvent<'EhrRosterFetchedV1' | 'EhrRosterFetchFailedV1'>;

/**
 * ehr-gateway answering roster import requests against the EHR stand-in (SMART Backend
 * Services, paged searches), a throwaway database and the real broker: requests are published
 * on dispatch.roster-import.v1 as dispatch-optimizer would, answers read back from ehr.roster.v1.
 */
describe(RosterImportService.name, () => {
  const tenantId = `roster-${randomBytes(4).toString('hex')}`;
  const unconnectedTenantId = `roster-${randomBytes(4).toString('hex')}`;
  const ehr = new EhrFhirStandIn();
  const recorder = new TopicRecorder(brokers);
  let database: ThrowawayDatabase;
  let app: INestApplication;
  let producer: Producer;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('ehr_gateway_roster_it');
    await ehr.start();
    // A server that pages by 2 whatever _count asks: 3 Practitioner pages, 3 role pages.
    ehr.setMaxPageSize(2);
    for (let index = 1; index <= PRACTITIONERS; index += 1) {
      ehr.seed(
        fhirPractitioner({
          id: `prac-${index}`,
          given: `Given${index}`,
          family: `Family${index}`,
          qualifications: [['', index % 2 === 0 ? 'RN' : 'MD']],
          email: `p${index}@clinic.example`,
        }),
        fhirPractitionerRole({
          id: `role-${index}`,
          practitionerId: `prac-${index}`,
          locationIds: ['loc-1'],
          availableTimes: [{ days: ['mon', 'wed'], start: '08:00:00', end: '16:00:00' }],
        }),
      );
    }
    // Patients are never read by a roster import.
    ehr.seed({ resourceType: 'Patient', id: 'pat-1', name: [{ family: 'Rivera' }] });
    const keys = await generateKeyPair('RS384', { extractable: true });
    await ehr.registerClient('caredispatch-roster', await exportJWK(keys.publicKey), 'RS384');

    const kafka = new Kafka({
      clientId: `roster-it-${tenantId}`,
      brokers,
      logLevel: logLevel.NOTHING,
    });
    const groupId = `ehr-gateway-roster-it-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, groupId, [
      Topics.DispatchRosterImportV1,
      Topics.MessagingPatientResponseV1,
      Topics.WaitlistSlotV1,
      Topics.DispatchEhrAssignmentV1,
    ]);
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    await recorder.start([Topics.EhrRosterV1]);

    const port = await freePort();
    const config = loadEhrGatewayConfig({
      DATABASE_URL: database.runtimeUrl,
      DATABASE_MIGRATION_URL: database.ownerUrl,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_CONSUMER_GROUP: groupId,
      HTTP_PORT: String(port),
      EHR_WEBHOOK_SECRETS: JSON.stringify({ [tenantId]: newWebhookSecret() }),
      EHR_CONNECTIONS: JSON.stringify({
        [tenantId]: {
          fhirBaseUrl: ehr.fhirBaseUrl,
          tokenUrl: ehr.tokenUrl,
          clientId: 'caredispatch-roster',
          keyId: 'caredispatch-roster-key-1',
          algorithm: 'RS384',
        },
      }),
      EHR_PRIVATE_KEYS: JSON.stringify({ [tenantId]: await exportPKCS8(keys.privateKey) }),
      EHR_WRITE_BACK_POLL_INTERVAL_MS: '100',
      EHR_WRITE_BACK_RETRY_BASE_MS: '100',
      EHR_WRITE_BACK_RETRY_MAX_MS: '400',
      EHR_SLOT_POLL_INTERVAL_MS: '0',
      ...phiEnvironment(),
      ...OFFLINE_OIDC_ENVIRONMENT,
    });
    app = await createHttpApp(AppModule.forRoot(config), {
      serviceName: SERVICE_NAME,
      port,
      logLevel: 'error',
      shutdownTimeoutMs: 10_000,
      errors: ehrWebhookErrors,
    });
  }, 90_000);

  afterAll(async () => {
    await app.close();
    await ehr.stop();
    await producer.disconnect();
    await recorder.stop();
    await database.drop();
  }, 60_000);

  async function requestImport(tenant: string): Promise<{ importId: string; eventId: string }> {
    const importId = randomUUID();
    const envelope = createEnvelope(
      {
        type: 'RosterImportRequestedV1',
        tenantId: tenant,
        aggregateId: importId,
        payload: { importId, requestedAt: timestampFromDate(new Date()) },
      },
      { producer: 'dispatch-optimizer' },
    );
    await producer.send({
      topic: Topics.DispatchRosterImportV1,
      messages: [
        {
          key: importId,
          value: Buffer.from(encodeEnvelope(envelope)),
          headers: envelopeHeaders(envelope),
        },
      ],
    });
    return { importId, eventId: envelope.eventId };
  }

  function answersTo(importId: string): RosterAnswer[] {
    return recorder
      .messages(Topics.EhrRosterV1)
      .map((message) => decodeEvent(message.value))
      .filter(
        (event): event is RosterAnswer =>
          (event.type === 'EhrRosterFetchedV1' || event.type === 'EhrRosterFetchFailedV1') &&
          event.payload.importId === importId,
      );
  }

  function answerTo(importId: string): Promise<RosterAnswer> {
    return eventually(
      () => Promise.resolve(answersTo(importId).at(0)),
      30_000,
      `roster answer to ${importId}`,
    );
  }

  it('should read every page of both searches and answer with the whole roster', async () => {
    const before = ehr.requests().length;
    const { importId, eventId } = await requestImport(tenantId);

    const sut = await answerTo(importId);

    expect(sut.type).toBe('EhrRosterFetchedV1');
    if (sut.type !== 'EhrRosterFetchedV1') return;
    expect(sut.envelope.causationId).toBe(eventId);
    expect(sut.envelope.tenantId).toBe(tenantId);
    expect(sut.payload.pages).toBe(6);
    expect(sut.payload.orphanRoles).toBe(0);
    expect(sut.payload.practitioners.map((p) => p.practitionerId)).toEqual([
      'prac-1',
      'prac-2',
      'prac-3',
      'prac-4',
      'prac-5',
    ]);
    expect(sut.payload.practitioners[1]).toMatchObject({
      displayName: 'Given2 Family2',
      qualifications: [{ system: '', code: 'RN' }],
      roles: [
        {
          roleId: 'role-2',
          ehrLocationIds: ['loc-1'],
          availableTimes: [
            { daysOfWeek: ['mon', 'wed'], availableStartTime: '08:00', availableEndTime: '16:00' },
          ],
        },
      ],
    });
    const searched = ehr
      .requests()
      .slice(before)
      .filter((request) => request.method === 'GET')
      .map((request) => request.path);
    expect(new Set(searched)).toEqual(new Set(['/fhir/Practitioner', '/fhir/PractitionerRole']));
  });

  it('should retry an EHR that is briefly unavailable and answer once', async () => {
    ehr.failNext(2, 503);
    const { importId } = await requestImport(tenantId);

    const sut = await answerTo(importId);

    expect(sut.type).toBe('EhrRosterFetchedV1');
    await recorder.waitUntilCaughtUp();
    expect(answersTo(importId)).toHaveLength(1);
  });

  it('should answer a tenant without an EHR connection with NO_EHR_CONNECTION', async () => {
    const { importId } = await requestImport(unconnectedTenantId);

    const sut = await answerTo(importId);

    expect(sut.type).toBe('EhrRosterFetchFailedV1');
    expect(sut.type === 'EhrRosterFetchFailedV1' && sut.payload.reason).toBe(
      RosterFetchFailureReason.NO_EHR_CONNECTION,
    );
  });
});
