import { randomUUID } from 'node:crypto';

import { Topics } from '@caredispatch/contracts';
import {
  FhirAppointmentBuilder,
  newWebhookSecret,
  signWebhook,
  Stack,
  TopicRecorder,
  KAFKA_BROKERS,
} from '@caredispatch/testing';

import { type TenantCredentials, uniquePhone } from './support/flow';

jest.setTimeout(180_000);

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

  it('should reject a bad signature with 401', async () => {
    const body = booking().toJson();
    const headers = signed(body);
    headers['webhook-signature'] = signWebhook(
      newWebhookSecret(),
      headers['webhook-id'],
      Number(headers['webhook-timestamp']),
      body,
    );
    expect(summary(await send(body, headers))).toEqual({ status: 401, code: 'INVALID_SIGNATURE' });
  });

  it('should reject a stale timestamp with 401', async () => {
    const body = booking().toJson();
    const stale = String(Math.floor(Date.now() / 1000) - 6 * 60);
    expect(summary(await send(body, signed(body, { 'webhook-timestamp': stale })))).toEqual({
      status: 401,
      code: 'STALE_TIMESTAMP',
    });
  });

  it('should answer a redelivered webhook id with 202 duplicate and publish only the first delivery', async () => {
    const body = booking().toJson();
    const headers = signed(body);
    const first = await send(body, headers);
    const replay = await send(body, headers);
    expect(first.status).toBe(202);
    expect(replay).toEqual({ status: 202, body: { status: 'duplicate' } });
  });

  it('should reject malformed JSON with 400', async () => {
    const body = '{"resourceType": "Appointment", ';
    expect(summary(await send(body, signed(body)))).toEqual({
      status: 400,
      code: 'MALFORMED_JSON',
    });
  });

  it('should reject an appointment without a start with 422 naming the field', async () => {
    const body = booking().with({ start: undefined, end: undefined }).toJson();
    const rejection = await send(body, signed(body));
    expect(rejection.status).toBe(422);
    expect(JSON.stringify(rejection.body)).toContain('start');
  });

  it('should reject a patient without a phone with 422 naming the field', async () => {
    const body = booking().with({ patientPhone: undefined }).toJson();
    const rejection = await send(body, signed(body));
    expect(rejection.status).toBe(422);
    expect(JSON.stringify(rejection.body)).toContain('telecom');
  });

  it('should reject an unknown tenant with 404', async () => {
    const body = booking().toJson();
    expect(summary(await send(body, signed(body), 'no-such-clinic'))).toEqual({
      status: 404,
      code: 'UNKNOWN_TENANT',
    });
  });

  it('should reject a 2 MB body with 413', async () => {
    const body = JSON.stringify({
      resourceType: 'Appointment',
      padding: 'x'.repeat(2 * 1024 * 1024),
    });
    const rejection = await send(body, signed(body));
    expect(summary(rejection)).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('should have stored and published only the one accepted delivery', async () => {
    // Give anything a rejected request might have queued the time to surface.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const published = recorder
      .messages(Topics.EhrAppointmentV1)
      .filter((message) => message.headers['tenant-id'] === tenant.tenantId);
    expect(published).toHaveLength(1);

    const gatewayDb = sut.database('ehr-gateway');
    const [deliveries] = await gatewayDb.query<{ count: string }>(
      'SELECT count(*) FROM ehr_webhook_delivery WHERE tenant_id = $1',
      [tenant.tenantId],
    );
    const [states] = await gatewayDb.query<{ count: string }>(
      'SELECT count(*) FROM ehr_appointment_state WHERE tenant_id = $1',
      [tenant.tenantId],
    );
    const [outbox] = await gatewayDb.query<{ count: string }>(
      'SELECT count(*) FROM outbox_message WHERE tenant_id = $1',
      [tenant.tenantId],
    );
    const [others] = await gatewayDb.query<{ count: string }>(
      'SELECT count(*) FROM ehr_webhook_delivery WHERE tenant_id <> $1',
      [tenant.tenantId],
    );
    expect({ deliveries, states, outbox, others }).toEqual({
      deliveries: { count: '1' },
      states: { count: '1' },
      outbox: { count: '1' },
      others: { count: '0' },
    });
  });
});
