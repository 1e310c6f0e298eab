import { randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';

import {
  create,
  createEnvelope,
  dlqTopicOf,
  encodeEnvelope,
  ScheduledAppointmentSchema,
  timestampFromDate,
  Topics,
} from '@caredispatch/contracts';
import {
  CONSUMER_MAX_ATTEMPTS,
  eventually,
  KAFKA_BROKERS,
  newWebhookSecret,
  Stack,
  TopicRecorder,
} from '@caredispatch/testing';

import { settledSmsTo, uniquePhone } from './support/flow';

jest.setTimeout(600_000);

describe('poison messages', () => {
  const tenantId = `clinic-${randomUUID().slice(0, 8)}`;
  const sut = new Stack({ tenants: { [tenantId]: newWebhookSecret() } });
  const recorder = new TopicRecorder(KAFKA_BROKERS.split(','));
  const kafka = new Kafka({
    clientId: 'e2e-poison',
    brokers: KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();

  beforeAll(async () => {
    await sut.start();
    await recorder.start([dlqTopicOf(Topics.SchedulingAppointmentV1)]);
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await recorder.stop();
    await sut.stop();
  });

  it('should dead-letter an undecodable message after the configured retries, with its reason, and process the next one on the partition', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    const start = new Date('2030-05-06T15:00:00Z');
    const valid = createEnvelope(
      {
        type: 'AppointmentBookedV1',
        tenantId,
        aggregateId: appointmentId,
        payload: {
          appointment: create(ScheduledAppointmentSchema, {
            appointmentId,
            ehrAppointmentId: `ehr-${appointmentId}`,
            ehrVersion: '1',
            revision: 1,
            start: timestampFromDate(start),
            end: timestampFromDate(new Date(start.getTime() + 30 * 60_000)),
            location: { locationId: randomUUID(), name: 'Main St', timeZone: 'America/Chicago' },
            practiceName: 'Prairie Pediatrics',
            patient: {
              patientId: randomUUID(),
              givenName: 'Ada',
              phoneE164: phone.e164,
              smsConsent: true,
            },
            provider: { providerId: randomUUID(), displayName: 'Dr. Who' },
          }),
        },
      },
      { producer: 'e2e-test' },
    );

    // Same key → same partition: the poison sits directly in front of the valid event.
    await producer.send({
      topic: Topics.SchedulingAppointmentV1,
      messages: [
        { key: appointmentId, value: Buffer.from('this is not a protobuf envelope \u0000\u00ff') },
        {
          key: appointmentId,
          value: Buffer.from(encodeEnvelope(valid)),
          headers: { 'tenant-id': tenantId },
        },
      ],
    });

    const messagingGroup = `messaging-${sut.runId}`;
    const deadLetter = await eventually(
      () =>
        Promise.resolve(
          recorder
            .messages(dlqTopicOf(Topics.SchedulingAppointmentV1))
            .find(
              (message) =>
                message.key === appointmentId &&
                message.headers['dlq-consumer-group'] === messagingGroup,
            ),
        ),
      // A generous bound: the messaging group shares the topic with every other run's events.
      120_000,
      'the poison message on the dead-letter topic',
    );
    expect(deadLetter.headers['dlq-reason']).toMatch(/\S+/);
    expect(deadLetter.headers['dlq-original-topic']).toBe(Topics.SchedulingAppointmentV1);
    expect(deadLetter.headers['dlq-attempts']).toBe(String(CONSUMER_MAX_ATTEMPTS));
    expect(deadLetter.value?.toString()).toContain('this is not a protobuf envelope');

    // The event was produced by this test, not by this stack's scheduling.
    const messages = await settledSmsTo(sut, phone.e164, 1, 30_000, {
      onlyThisStacksAppointments: false,
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toContain('Prairie Pediatrics');
  });
});
