import { randomBytes } from 'node:crypto';

import { type INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';

import { Topics } from '@caredispatch/contracts';
import { createHttpApp } from '@caredispatch/platform';
import {
  FhirAppointmentBuilder,
  freePort,
  newWebhookSecret,
  OFFLINE_OIDC_ENVIRONMENT,
  phiEnvironment,
  signedWebhookHeaders,
  startGroupAtTopicEnds,
  TcpProxy,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { AppModule, SERVICE_NAME } from '../app.module';
import { loadEhrGatewayConfig } from '../config';

import { EhrWebhookController } from './ehr-webhook.controller';
import { ehrWebhookErrors } from './ehr-webhook.errors';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const POOL_SIZE = 3;

/**
 * The real service reaches its throwaway database through a loopback proxy the test cuts: an
 * EHR must hear "retry later" (503 + Retry-After), never a 500, and its retry must succeed as
 * soon as the database is back (no broken pooled connection survives the outage).
 */
describe(`${EhrWebhookController.name} during a database outage`, () => {
  const tenantId = `it-${randomBytes(4).toString('hex')}`;
  const secret = newWebhookSecret();
  const coldTenantId = `it-${randomBytes(4).toString('hex')}`;
  let database: ThrowawayDatabase;
  let link: TcpProxy;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('ehr_gateway_outage_it');
    // ehr-gateway consumes patient responses: a group of this run's own, starting at the
    // topic's end, so no other run's responses (or group) are involved.
    const groupId = `ehr-gateway-outage-it-${tenantId}`;
    const admin = new Kafka({ clientId: groupId, brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    // Every topic ehr-gateway answers: a fresh group at the beginning would work through other
    // tests' booking and roster-import requests on the pool this test exhausts on purpose.
    await startGroupAtTopicEnds(admin, groupId, [
      Topics.MessagingPatientResponseV1,
      Topics.WaitlistSlotV1,
      Topics.DispatchRosterImportV1,
      Topics.DispatchEhrAssignmentV1,
    ]);
    await admin.disconnect();
    // The runtime role goes through the proxy the test cuts; the migrate step, as the owner, does not.
    const url = new URL(database.runtimeUrl);
    link = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String((await link.start()).port);
    const port = await freePort();
    const config = loadEhrGatewayConfig({
      DATABASE_URL: url.toString(),
      DATABASE_MIGRATION_URL: database.ownerUrl,
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: String(port),
      KAFKA_CONSUMER_GROUP: groupId,
      EHR_WEBHOOK_SECRETS: JSON.stringify({ [tenantId]: secret, [coldTenantId]: secret }),
      // Short, so the unresponsive-database case ends quickly.
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      // Fewer connections than concurrent deliveries: the herd after an outage, in small.
      DATABASE_POOL_SIZE: String(POOL_SIZE),
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
    baseUrl = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await link.stop();
    await database.drop();
  }, 60_000);

  interface Reply {
    readonly status: number;
    readonly retryAfter: string | null;
    readonly body: unknown;
  }

  async function post(
    body: string,
    headers: Record<string, string>,
    tenant = tenantId,
  ): Promise<Reply> {
    const response = await fetch(`${baseUrl}/v1/tenants/${tenant}/webhooks/fhir`, {
      method: 'POST',
      body,
      headers,
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: await response.json(),
    };
  }

  /** A fresh booking, signed once: posting it again is the EHR retrying the same delivery. */
  function newDelivery(): { body: string; headers: Record<string, string> } {
    const body = FhirAppointmentBuilder.booking().toJson();
    return { body, headers: signedWebhookHeaders(secret, body) };
  }

  async function stored(webhookId: string): Promise<number> {
    const [row] = await database.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM ehr_webhook_delivery WHERE tenant_id = $1 AND webhook_id = $2',
      [tenantId, webhookId],
    );
    return row.count;
  }

  const temporarilyUnavailable = {
    status: 503,
    retryAfter: expect.stringMatching(/^[1-9][0-9]*$/) as unknown,
    body: { error: expect.objectContaining({ code: 'TEMPORARILY_UNAVAILABLE' }) as unknown },
  };

  it('should answer 503 with Retry-After while its database refuses connections, and accept the retry once it is back', async () => {
    const delivery = newDelivery();
    link.cut();

    const during = await post(delivery.body, delivery.headers);
    link.restore();
    const retried = await post(delivery.body, delivery.headers);
    const next = newDelivery();
    const after = await post(next.body, next.headers);

    expect(during).toMatchObject(temporarilyUnavailable);
    expect(retried).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(after).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await stored(delivery.headers['webhook-id'])).toBe(1);
  });

  it('should answer 503 with Retry-After when no connection opens within the connect timeout, and recover', async () => {
    const delivery = newDelivery();
    // Connections hang instead of failing: only the pool's connect timeout ends the wait.
    link.blackhole();

    const during = await post(delivery.body, delivery.headers);
    link.restore();
    const retried = await post(delivery.body, delivery.headers);

    expect(during).toMatchObject(temporarilyUnavailable);
    expect(retried).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await stored(delivery.headers['webhook-id'])).toBe(1);
  });

  it("should accept a burst of first deliveries larger than its connection pool (the tenant's data key not yet loaded)", async () => {
    // A cold data-key cache, as after a start, a restart or the key's cache expiry: the
    // deliveries' transactions need the key their outbox payloads are sealed with.
    const burst = Array.from({ length: POOL_SIZE * 4 }, () => newDelivery());

    const replies = await Promise.all(
      burst.map((delivery) => post(delivery.body, delivery.headers, coldTenantId)),
    );

    expect(replies.map((reply) => reply.status)).toEqual(burst.map(() => 202));
  });
});
