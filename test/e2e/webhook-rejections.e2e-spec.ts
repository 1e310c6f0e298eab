import { randomUUID } from 'node:crypto';

import { Topics } from '@caredispatch/contracts';
import {
  eventually,
  FhirAppointmentBuilder,
  KAFKA_BROKERS,
  newWebhookSecret,
  type RecordedMessage,
  signWebhook,
  Stack,
  TopicRecorder,
} from '@caredispatch/testing';

import { type TenantCredentials, uniquePhone } from './support/flow';

jest.setTimeout(600_000);

interface Rejection {
  status: number;
  body: unknown;
}

/** Status and error code of a response, for compact assertions. */
function summary(rejection: Rejection): { status: number; code: unknown } {
  const { error } = (rejection.body ?? {}) as { error?: { code?: unknown } };
  return { status: rejection.status, code: error?.code };
}

describe('ehr-gateway rejects bad webhooks and changes nothing', () => {
  const tenant: TenantCredentials = {
    tenantId: `clinic-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const sut = new Stack({ tenants: { [tenant.tenantId]: tenant.secret } });
  const recorder = new TopicRecorder(KAFKA_BROKERS.split(','));

  beforeAll(async () => {
    await sut.start();
    await recorder.start([Topics.EhrAppointmentV1]);
  });
  afterAll(async () => {
    await recorder.stop();
    await sut.stop();
  });

  const gatewayUrl = (tenantId: string): string =>
    `${sut.service('ehr-gateway').baseUrl}/v1/tenants/${tenantId}/webhooks/fhir`;

  async function send(
    body: string,
    headers: Record<string, string>,
    tenantId = tenant.tenantId,
  ): Promise<Rejection> {
    const response = await fetch(gatewayUrl(tenantId), { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as unknown };
  }

  function signed(body: string, overrides: Record<string, string> = {}): Record<string, string> {
    const id = overrides['webhook-id'] ?? `msg_${randomUUID()}`;
    const timestamp = Number(overrides['webhook-timestamp'] ?? Math.floor(Date.now() / 1000));
    return {
      'content-type': 'application/fhir+json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(tenant.secret, id, timestamp, body),
      ...overrides,
    };
  }

  const booking = (): FhirAppointmentBuilder =>
    FhirAppointmentBuilder.booking({ patientPhone: uniquePhone().display });

  interface GatewayRows {
    deliveries: number;
    states: number;
    outbox: number;
  }

  /** Every row the gateway keeps, across all tenants (the stack's database is its own). */
  async function gatewayRows(): Promise<GatewayRows> {
    const [row] = await sut.database('ehr-gateway').query<Record<keyof GatewayRows, string>>(
      `SELECT (SELECT count(*) FROM ehr_webhook_delivery) AS deliveries,
              (SELECT count(*) FROM ehr_appointment_state) AS states,
              (SELECT count(*) FROM outbox_message) AS outbox`,
    );
    return {
      deliveries: Number(row.deliveries),
      states: Number(row.states),
      outbox: Number(row.outbox),
    };
  }

  /**
   * Sends and reports what the request changed. The gateway answers after its transaction,
   * so the rows are final when the response arrives: nothing to wait for.
   */
  async function sendAndCountChanges(
    body: string,
    headers: Record<string, string>,
    tenantId = tenant.tenantId,
  ): Promise<{ rejection: Rejection; changes: GatewayRows }> {
    const before = await gatewayRows();
    const rejection = await send(body, headers, tenantId);
    const after = await gatewayRows();
    return {
      rejection,
      changes: {
        deliveries: after.deliveries - before.deliveries,
        states: after.states - before.states,
        outbox: after.outbox - before.outbox,
      },
    };
  }

  const NOTHING = { deliveries: 0, states: 0, outbox: 0 };

  it('should reject a bad signature with 401 and change nothing', async () => {
    const body = booking().toJson();
    const headers = signed(body);
    headers['webhook-signature'] = signWebhook(
      newWebhookSecret(),
      headers['webhook-id'],
      Number(headers['webhook-timestamp']),
      body,
    );
    const { rejection, changes } = await sendAndCountChanges(body, headers);
    expect(summary(rejection)).toEqual({ status: 401, code: 'INVALID_SIGNATURE' });
    expect(changes).toEqual(NOTHING);
  });

  it('should reject a stale timestamp with 401 and change nothing', async () => {
    const body = booking().toJson();
    const stale = String(Math.floor(Date.now() / 1000) - 6 * 60);
    const { rejection, changes } = await sendAndCountChanges(
      body,
      signed(body, { 'webhook-timestamp': stale }),
    );
    expect(summary(rejection)).toEqual({ status: 401, code: 'STALE_TIMESTAMP' });
    expect(changes).toEqual(NOTHING);
  });

  it('should answer a redelivered webhook id with 202 duplicate and publish only the first delivery', async () => {
    const body = booking().toJson();
    const headers = signed(body);
    const first = await sendAndCountChanges(body, headers);
    const replay = await sendAndCountChanges(body, headers);

    expect(first.rejection.status).toBe(202);
    expect(first.changes).toEqual({ deliveries: 1, states: 1, outbox: 1 });
    expect(replay.rejection).toEqual({ status: 202, body: { status: 'duplicate' } });
    expect(replay.changes).toEqual(NOTHING);
    const ehrAppointmentId = (JSON.parse(body) as { id: string }).id;
    const [row] = await sut
      .database('ehr-gateway')
      .query<{ event_id: string }>(
        'SELECT event_id FROM ehr_webhook_delivery WHERE tenant_id = $1 AND ehr_appointment_id = $2',
        [tenant.tenantId, ehrAppointmentId],
      );
    // Published once: the accepted event reaches the topic, and once the gateway's outbox is
    // drained and the recorder has read to the topic's end, it is there exactly once.
    await eventually(
      () => Promise.resolve(publishedEvents(row.event_id).length > 0 ? true : undefined),
      30_000,
      'the accepted delivery on the topic',
    );
    await waitForOutboxToDrain();
    await recorder.waitUntilCaughtUp();
    expect(publishedEvents(row.event_id)).toHaveLength(1);
  });

  it('should reject malformed JSON with 400 and change nothing', async () => {
    const body = '{"resourceType": "Appointment", ';
    const { rejection, changes } = await sendAndCountChanges(body, signed(body));
    expect(summary(rejection)).toEqual({ status: 400, code: 'MALFORMED_JSON' });
    expect(changes).toEqual(NOTHING);
  });

  it('should reject an appointment without a start with 422 naming the field and change nothing', async () => {
    const body = booking().with({ start: undefined, end: undefined }).toJson();
    const { rejection, changes } = await sendAndCountChanges(body, signed(body));
    expect(rejection.status).toBe(422);
    expect(JSON.stringify(rejection.body)).toContain('start');
    expect(changes).toEqual(NOTHING);
  });

  it('should reject a patient without a phone with 422 naming the field and change nothing', async () => {
    const body = booking().with({ patientPhone: undefined }).toJson();
    const { rejection, changes } = await sendAndCountChanges(body, signed(body));
    expect(rejection.status).toBe(422);
    expect(JSON.stringify(rejection.body)).toContain('telecom');
    expect(changes).toEqual(NOTHING);
  });

  it('should reject an unknown tenant with 404 and change nothing', async () => {
    const body = booking().toJson();
    const { rejection, changes } = await sendAndCountChanges(body, signed(body), 'no-such-clinic');
    expect(summary(rejection)).toEqual({ status: 404, code: 'UNKNOWN_TENANT' });
    expect(changes).toEqual(NOTHING);
  });

  it('should reject a 2 MB body with 413 and change nothing', async () => {
    const body = JSON.stringify({
      resourceType: 'Appointment',
      padding: 'x'.repeat(2 * 1024 * 1024),
    });
    const { rejection, changes } = await sendAndCountChanges(body, signed(body));
    expect(summary(rejection)).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(changes).toEqual(NOTHING);
  });

  /** Messages on the topic carrying the gateway's event (tenant and event id headers). */
  function publishedEvents(eventId: string): readonly RecordedMessage[] {
    return recorder
      .messages(Topics.EhrAppointmentV1)
      .filter(
        (message) =>
          message.headers['tenant-id'] === tenant.tenantId &&
          message.headers['event-id'] === eventId,
      );
  }

  async function waitForOutboxToDrain(): Promise<void> {
    await eventually(
      async () => {
        const [row] = await sut
          .database('ehr-gateway')
          .query<{ count: string }>(
            'SELECT count(*) FROM outbox_message WHERE published_at IS NULL',
          );
        return row.count === '0' ? true : undefined;
      },
      30_000,
      'the gateway to publish its outbox',
    );
  }
});
