import { randomUUID } from 'node:crypto';

import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, type Producer } from 'kafkajs';

import { Role } from '@caredispatch/auth';
import {
  createEnvelope,
  type DecodedEvent,
  decodeEvent,
  encodeEnvelope,
  type EventEnvelope,
  type EventPayloadInit,
  timestampDate,
  timestampFromDate,
  Topics,
} from '@caredispatch/contracts';
import { envelopeHeaders } from '@caredispatch/kafka';
import { AllExceptionsFilter } from '@caredispatch/platform';
import {
  eventually,
  freePort,
  phiEnvironment,
  startGroupAtTopicEnds,
  TestIdentityProvider,
  ThrowawayDatabase,
  TopicRecorder,
} from '@caredispatch/testing';

import { AppModule } from '../app.module';
import { schedulingConfigSchema } from '../config';

import { schedulingErrors } from './appointments.errors';

// Jest applies its default 5 s to hooks and tests; a broker round trip with group joins needs more.
jest.setTimeout(60_000);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const tenantId = `it-scheduling-${randomUUID().slice(0, 8)}`;
const ehrAppointmentId = `ehr-appt-${randomUUID()}`;
const originalStart = new Date('2030-05-06T13:00:00.000Z');
const newStart = new Date('2030-05-07T15:30:00.000Z');

type EhrEventType =
  'EhrAppointmentBookedV1' | 'EhrAppointmentRescheduledV1' | 'EhrAppointmentCancelledV1';
type ScheduledEvent = DecodedEvent<
  'AppointmentBookedV1' | 'AppointmentRescheduledV1' | 'AppointmentCancelledV1'
>;

function ehrAppointment(
  version: string,
  start: Date,
  status = 'booked',
  sequence = Number(version.replace(/\D/g, '')),
  id = ehrAppointmentId,
) {
  return {
    ehrAppointmentId: id,
    ehrVersion: version,
    sequence,
    sourceSystem: 'it-ehr',
    status,
    start: timestampFromDate(start),
    end: timestampFromDate(new Date(start.getTime() + 30 * 60_000)),
    durationMinutes: 30,
    appointmentTypeCode: 'checkup',
    patient: {
      ehrPatientId: 'pat-1',
      givenName: 'Test',
      familyName: 'Patient',
      phoneE164: '+15555550100',
      smsConsent: true,
      preferredLanguage: 'es-MX',
    },
    practitioner: { ehrPractitionerId: 'prac-1', name: 'Dr Test', credentials: 'MD' },
    location: { ehrLocationId: 'loc-1', name: 'Main St', timeZone: 'America/New_York' },
    practiceName: 'Integration Practice',
  };
}

function ehrEvent<T extends EhrEventType>(type: T, payload: EventPayloadInit<T>): EventEnvelope {
  return createEnvelope(
    {
      type,
      payload,
      tenantId,
      // The gateway's key: every change of one appointment on one partition, in order.
      aggregateId: `${tenantId}:${payload.appointment?.ehrAppointmentId ?? ehrAppointmentId}`,
    },
    { producer: 'ehr-gateway' },
  );
}

describe('scheduling: EHR appointment events → scheduling events', () => {
  let database: ThrowawayDatabase;
  let app: INestApplication;
  let producer: Producer;
  let recorder: TopicRecorder;
  let baseUrl: string;
  let identity: TestIdentityProvider;
  const asCoordinator = () => identity.authorization({ tenantId, roles: [Role.Coordinator] });
  let booked: EventEnvelope;

  const scheduledEvents = (): ScheduledEvent[] =>
    recorder
      .messages(Topics.SchedulingAppointmentV1)
      // The broker is shared: other suites' events (even deliberate poison) are on the topic.
      .filter((message) => message.headers['tenant-id'] === tenantId)
      .map((message) => ({ message, event: decodeEvent(message.value) }))
      .map(({ message, event }) => {
        // Kafka key = scheduling's appointment id (ids only, never PHI).
        expect(message.key).toBe(event.envelope.aggregateId);
        return event as ScheduledEvent;
      });

  const eventOfType = (type: ScheduledEvent['type']) => () =>
    Promise.resolve(scheduledEvents().find((event) => event.type === type));

  async function send(envelope: EventEnvelope): Promise<void> {
    await producer.send({
      topic: Topics.EhrAppointmentV1,
      messages: [
        {
          key: envelope.aggregateId,
          value: Buffer.from(encodeEnvelope(envelope)),
          headers: envelopeHeaders(envelope),
        },
      ],
    });
  }

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('caredispatch_scheduling_it');
    const kafka = new Kafka({ clientId: 'scheduling-it', brokers, logLevel: logLevel.NOTHING });
    const groupId = `scheduling-it-${randomUUID()}`;
    // A fresh group would otherwise replay the whole topic (every other test's tenants) into
    // this database and republish it; start it exactly at the current end instead.
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, groupId, [Topics.EhrAppointmentV1]);
    await admin.disconnect();

    recorder = new TopicRecorder(brokers);
    await recorder.start([Topics.SchedulingAppointmentV1]);
    producer = kafka.producer();
    await producer.connect();

    identity = await TestIdentityProvider.start();
    const port = await freePort();
    const config = schedulingConfigSchema.parse({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HTTP_PORT: String(port),
      // The runtime role under row-level security, migrated by the owner (as in production).
      DATABASE_URL: database.runtimeUrl,
      DATABASE_MIGRATION_URL: database.ownerUrl,
      DATABASE_POOL_SIZE: '4',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_CONSUMER_GROUP: groupId,
      ...phiEnvironment(),
      ...identity.environment(),
    });
    // Framework start-up chatter would drown the test output.
    Logger.overrideLogger(['error', 'warn']);
    app = await NestFactory.create(AppModule.forRoot(config));
    app.useGlobalFilters(new AllExceptionsFilter(schedulingErrors));
    await app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
    await eventually(
      async () => ((await fetch(`${baseUrl}/health/ready`)).ok ? true : undefined),
      30_000,
      'scheduling ready',
    );
  });

  afterAll(async () => {
    await app.close();
    await producer.disconnect();
    await recorder.stop();
    await database.drop();
    await identity.stop();
  });

  it('should publish one AppointmentBookedV1 for an EHR booking, carrying the correlation and causation ids', async () => {
    booked = ehrEvent('EhrAppointmentBookedV1', {
      appointment: ehrAppointment('v1', originalStart),
    });

    await send(booked);

    const event = await eventually(
      eventOfType('AppointmentBookedV1'),
      20_000,
      'AppointmentBookedV1',
    );
    expect(event.envelope).toMatchObject({
      producer: 'scheduling',
      correlationId: booked.correlationId,
      causationId: booked.eventId,
    });
    expect(event.payload.appointment).toMatchObject({
      appointmentId: event.envelope.aggregateId,
      ehrAppointmentId,
      ehrVersion: 'v1',
      revision: 1,
      // The EHR's location id travels alongside scheduling's own, for consumers configured by it.
      location: { timeZone: 'America/New_York', ehrLocationId: 'loc-1' },
      // Messaging writes to the patient in it.
      patient: { preferredLanguage: 'es-MX' },
    });
    expect(
      await database.query<{ preferred_language: string }>(
        'SELECT preferred_language FROM patient WHERE tenant_id = $1',
        [tenantId],
      ),
    ).toEqual([{ preferred_language: 'es-MX' }]);
    expect(event.payload.appointment?.location?.locationId).not.toBe('loc-1');
    expect(timestampDate(event.payload.appointment!.start!)).toEqual(originalStart);
  });

  it('should ignore a redelivery and the same EHR sequence under a new event id', async () => {
    const sameVersionNewId = ehrEvent('EhrAppointmentBookedV1', {
      appointment: ehrAppointment('v1', originalStart),
    });
    await send(booked);
    await send(sameVersionNewId);
    // A later change on the same key is published after anything the duplicates could have
    // caused (same partition, in order), so once it arrives the count of bookings is final.
    await send(
      ehrEvent('EhrAppointmentRescheduledV1', { appointment: ehrAppointment('v2', newStart) }),
    );

    await eventually(eventOfType('AppointmentRescheduledV1'), 20_000, 'AppointmentRescheduledV1');
    expect(scheduledEvents().filter((event) => event.type === 'AppointmentBookedV1')).toHaveLength(
      1,
    );
    const versions = await database.query<{ ehr_version: string }>(
      'SELECT ehr_version FROM appointment_ehr_version WHERE tenant_id = $1 ORDER BY applied_at',
      [tenantId],
    );
    expect(versions.map((row) => row.ehr_version)).toEqual(['v1', 'v2']);
  });

  it('should publish the reschedule as revision 2 with the previous start', async () => {
    const event = await eventually(
      eventOfType('AppointmentRescheduledV1'),
      20_000,
      'AppointmentRescheduledV1',
    );
    if (event.type !== 'AppointmentRescheduledV1') throw new Error('unexpected event type');

    expect(event.payload.appointment?.revision).toBe(2);
    expect(timestampDate(event.payload.appointment!.start!)).toEqual(newStart);
    expect(timestampDate(event.payload.previousStart!)).toEqual(originalStart);
    const bookedEvent = scheduledEvents().find((e) => e.type === 'AppointmentBookedV1');
    expect(event.envelope.aggregateId).toBe(bookedEvent?.envelope.aggregateId);
  });

  it('should publish AppointmentCancelledV1 as revision 3 when the EHR cancels', async () => {
    await send(
      ehrEvent('EhrAppointmentCancelledV1', {
        appointment: ehrAppointment('v3', newStart, 'cancelled'),
        cancellationReasonCode: 'pat',
      }),
    );

    const event = await eventually(
      eventOfType('AppointmentCancelledV1'),
      20_000,
      'AppointmentCancelledV1',
    );
    if (event.type !== 'AppointmentCancelledV1') throw new Error('unexpected event type');
    expect(event.payload.appointment?.revision).toBe(3);
    expect(event.payload.reasonCode).toBe('pat');
    expect(scheduledEvents().map((e) => e.type)).toEqual([
      'AppointmentBookedV1',
      'AppointmentRescheduledV1',
      'AppointmentCancelledV1',
    ]);
  });

  it('should serve the appointment to its own tenant only', async () => {
    const appointmentId = scheduledEvents()[0].envelope.aggregateId;
    const path = (tenant: string, id = appointmentId) =>
      `${baseUrl}/v1/tenants/${tenant}/appointments/${id}`;
    const otherTenant = `${tenantId}-b`;
    const asOtherTenant = await identity.authorization({
      tenantId: otherTenant,
      roles: [Role.Coordinator],
    });

    const own = await fetch(path(tenantId), { headers: await asCoordinator() });
    // Tenant B's token on tenant A's path, and on its own path with A's appointment id.
    const foreignPath = await fetch(path(tenantId), { headers: asOtherTenant });
    const ownPathForeignId = await fetch(path(otherTenant), { headers: asOtherTenant });
    const missing = await fetch(path(otherTenant, randomUUID()), { headers: asOtherTenant });
    const anonymous = await fetch(path(tenantId));

    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id: appointmentId, status: 'cancelled', revision: 3 });
    expect(anonymous.status).toBe(401);
    const notFound = { error: { code: 'APPOINTMENT_NOT_FOUND', message: 'Appointment not found' } };
    for (const response of [foreignPath, ownPathForeignId, missing]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual(notFound);
    }
  });

  it("should show a provider their own appointments only, and a front desk its locations' only", async () => {
    const appointment = (await (
      await fetch(
        `${baseUrl}/v1/tenants/${tenantId}/appointments/${scheduledEvents()[0].envelope.aggregateId}`,
        { headers: await asCoordinator() },
      )
    ).json()) as { id: string; location: { id: string } };
    const get = async (claims: { providerId?: string; locationIds?: string[] }, role: Role) =>
      (
        await fetch(`${baseUrl}/v1/tenants/${tenantId}/appointments/${appointment.id}`, {
          headers: await identity.authorization({ tenantId, roles: [role], ...claims }),
        })
      ).status;

    expect(await get({ providerId: 'prac-1' }, Role.Provider)).toBe(200);
    expect(await get({ providerId: 'prac-2' }, Role.Provider)).toBe(404);
    expect(await get({}, Role.Provider)).toBe(404);
    expect(await get({ locationIds: [appointment.location.id] }, Role.FrontDesk)).toBe(200);
    expect(await get({ locationIds: [randomUUID()] }, Role.FrontDesk)).toBe(404);
    expect(await get({}, Role.ComplianceOfficer)).toBe(403);
  });

  describe('sequenced changes without meta.versionId', () => {
    const nine = new Date('2030-06-03T13:00:00.000Z');
    const ten = new Date('2030-06-03T14:00:00.000Z');

    const eventsFor = (id: string): ScheduledEvent[] =>
      scheduledEvents().filter((event) => event.payload.appointment?.ehrAppointmentId === id);

    const unversioned = (id: string, sequence: number, start: Date, status = 'booked') =>
      ehrAppointment(`seq-${sequence}`, start, status, sequence, id);

    async function eventsAfter(id: string, count: number): Promise<ScheduledEvent[]> {
      return eventually(
        () => Promise.resolve(eventsFor(id).length >= count ? eventsFor(id) : undefined),
        20_000,
        `${count} scheduling events`,
      );
    }

    it('should book again after booked 9:00 → cancelled → booked 9:00, and ignore a stale cancellation after it', async () => {
      const id = `ehr-appt-${randomUUID()}`;
      const cancelledAt2 = () =>
        ehrEvent('EhrAppointmentCancelledV1', {
          appointment: unversioned(id, 2, nine, 'cancelled'),
          cancellationReasonCode: 'pat',
        });
      await send(ehrEvent('EhrAppointmentBookedV1', { appointment: unversioned(id, 1, nine) }));
      await send(cancelledAt2());
      await send(ehrEvent('EhrAppointmentBookedV1', { appointment: unversioned(id, 3, nine) }));
      await eventsAfter(id, 3);

      // A replay of the cancellation under a fresh event id (e.g. re-published from a DLQ),
      // then a newer change on the same key: once that one is applied, the replay was handled.
      await send(cancelledAt2());
      await send(ehrEvent('EhrAppointmentRescheduledV1', { appointment: unversioned(id, 4, ten) }));
      const sut = await eventsAfter(id, 4);

      expect(sut.map((event) => [event.type, event.payload.appointment?.revision])).toEqual([
        ['AppointmentBookedV1', 1],
        ['AppointmentCancelledV1', 2],
        ['AppointmentBookedV1', 3],
        ['AppointmentRescheduledV1', 4],
      ]);
      const reschedule = sut[3];
      if (reschedule.type !== 'AppointmentRescheduledV1') throw new Error(reschedule.type);
      expect(timestampDate(reschedule.payload.previousStart!)).toEqual(nine);
      const stored = await fetch(
        `${baseUrl}/v1/tenants/${tenantId}/appointments/${reschedule.envelope.aggregateId}`,
        { headers: await asCoordinator() },
      );
      expect(await stored.json()).toMatchObject({ status: 'booked', revision: 4 });
    });

    it('should reschedule twice for 9:00 → 10:00 → 9:00 and end at 9:00', async () => {
      const id = `ehr-appt-${randomUUID()}`;

      await send(ehrEvent('EhrAppointmentBookedV1', { appointment: unversioned(id, 1, nine) }));
      await send(ehrEvent('EhrAppointmentRescheduledV1', { appointment: unversioned(id, 2, ten) }));
      await send(
        ehrEvent('EhrAppointmentRescheduledV1', { appointment: unversioned(id, 3, nine) }),
      );
      const sut = await eventsAfter(id, 3);

      expect(sut.map((event) => event.type)).toEqual([
        'AppointmentBookedV1',
        'AppointmentRescheduledV1',
        'AppointmentRescheduledV1',
      ]);
      const last = sut[2];
      if (last.type !== 'AppointmentRescheduledV1') throw new Error(last.type);
      expect(timestampDate(last.payload.previousStart!)).toEqual(ten);
      expect(timestampDate(last.payload.appointment!.start!)).toEqual(nine);
    });

    it('should change nothing when an older change arrives after a newer one', async () => {
      const id = `ehr-appt-${randomUUID()}`;
      await send(
        ehrEvent('EhrAppointmentCancelledV1', {
          appointment: unversioned(id, 5, nine, 'cancelled'),
          cancellationReasonCode: 'pat',
        }),
      );
      await eventsAfter(id, 1);

      await send(ehrEvent('EhrAppointmentBookedV1', { appointment: unversioned(id, 4, ten) }));
      await send(
        ehrEvent('EhrAppointmentCancelledV1', {
          appointment: unversioned(id, 6, nine, 'cancelled'),
          cancellationReasonCode: 'pat',
        }),
      );
      // The newest change refreshes the cancelled record without an event; wait for it.
      await eventually(
        async () => {
          const rows = await database.query<{ ehr_sequence: string }>(
            'SELECT ehr_sequence FROM appointment WHERE tenant_id = $1 AND ehr_appointment_id = $2',
            [tenantId, id],
          );
          return rows.find((row) => row.ehr_sequence === '6');
        },
        20_000,
        'sequence 6 applied',
      );

      expect(eventsFor(id).map((event) => event.type)).toEqual(['AppointmentCancelledV1']);
    });
  });
});
