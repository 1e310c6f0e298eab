import { randomUUID } from 'node:crypto';

import { FhirAppointmentBuilder, newWebhookSecret, Stack } from '@caredispatch/testing';

import {
  auditTrailWith,
  postBooking,
  settledSmsTo,
  smsTo,
  type TenantCredentials,
  uniquePhone,
  waitForPipelineToSettle,
  waitForSmsTo,
} from './support/flow';

jest.setTimeout(600_000);

describe('first flow: signed EHR booking → confirmation SMS', () => {
  const tenant: TenantCredentials = {
    tenantId: `clinic-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const sut = new Stack({ tenants: { [tenant.tenantId]: tenant.secret } });

  beforeAll(() => sut.start());
  afterAll(() => sut.stop());

  // Latency is measured by `npm run bench:pipeline`, never asserted: the waits below have
  // generous deadlines that only stop a stuck pipeline from hanging the run.
  it('should text the patient once and leave one causal, correlated, traced trail', async () => {
    const phone = uniquePhone();
    const booking = FhirAppointmentBuilder.booking({
      patientPhone: phone.display,
      start: '2030-03-14T09:30:00-04:00',
      end: '2030-03-14T10:00:00-04:00',
      locationTimeZone: 'America/New_York',
      organizationName: 'Harbor Family Practice',
    });
    const ehrAppointmentId = JSON.parse(booking.toJson()) as { id: string };

    const accepted = await postBooking(sut, tenant, booking);
    expect(accepted.status).toBe(202);

    const messages = await settledSmsTo(sut, phone.e164, 1);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.to).toBe(phone.e164);
    expect(messages[0]?.body).toContain('Harbor Family Practice');
    expect(messages[0]?.body).toMatch(/9:30\s?AM/);

    const trail = await auditTrailWith(sut, tenant.tenantId, ehrAppointmentId.id, [
      'EhrAppointmentBookedV1',
      'AppointmentBookedV1',
      'MessageQueuedV1',
      'MessageSentV1',
    ]);
    const producers = trail.map((entry) => entry.producer);
    expect(producers.indexOf('ehr-gateway')).toBeLessThan(producers.indexOf('scheduling'));
    expect(producers.indexOf('scheduling')).toBeLessThan(producers.indexOf('messaging'));
    expect(new Set(trail.map((entry) => entry.correlationId)).size).toBe(1);
    // The webhook is the root cause; every later event names an earlier one as its cause.
    const [root, ...effects] = trail;
    expect(root.eventType).toBe('EhrAppointmentBookedV1');
    expect(root.causationId).toBeNull();
    const seen = new Set([root.eventId]);
    for (const entry of effects) {
      expect(seen).toContain(entry.causationId);
      seen.add(entry.eventId);
    }

    const traceIds = new Set(trail.map((entry) => entry.traceId));
    expect(traceIds.size).toBe(1);
    const [traceId] = [...traceIds];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await waitForSpans(sut, traceId ?? '', [
      'ehr-gateway',
      'scheduling',
      'messaging',
    ]);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
  });

  it('should send one SMS for five redeliveries with one webhook id and five with fresh ids', async () => {
    const phone = uniquePhone();
    const booking = FhirAppointmentBuilder.booking({ patientPhone: phone.display });
    const webhookId = `msg_${randomUUID()}`;

    const sameId = await Promise.all(
      Array.from({ length: 5 }, () => postBooking(sut, tenant, booking, { id: webhookId })),
    );
    const freshIds = await Promise.all(
      Array.from({ length: 5 }, () => postBooking(sut, tenant, booking)),
    );

    // The webhook-id is the idempotency key: every redelivery is a 2xx, only one is accepted.
    expect(sameId.every((response) => response.status === 202)).toBe(true);
    expect(freshIds.every((response) => response.status === 202)).toBe(true);
    expect(await settledSmsTo(sut, phone.e164, 1)).toHaveLength(1);
  });

  it('should confirm a reschedule with the new time and send nothing for a cancellation', async () => {
    const phone = uniquePhone();
    const booking = FhirAppointmentBuilder.booking({
      patientPhone: phone.display,
      start: '2030-04-02T08:00:00-04:00',
      end: '2030-04-02T08:30:00-04:00',
    });
    expect((await postBooking(sut, tenant, booking)).status).toBe(202);
    await waitForSmsTo(sut, phone.e164, 1);

    const rescheduled = booking.with({
      versionId: '2',
      start: '2030-04-02T14:15:00-04:00',
      end: '2030-04-02T14:45:00-04:00',
    });
    expect((await postBooking(sut, tenant, rescheduled)).status).toBe(202);
    const afterReschedule = await waitForSmsTo(sut, phone.e164, 2);
    expect(afterReschedule[1]?.body).toMatch(/2:15\s?PM/);

    const cancelled = rescheduled.with({ versionId: '3', status: 'cancelled' });
    expect((await postBooking(sut, tenant, cancelled)).status).toBe(202);
    const ehrAppointmentId = (JSON.parse(booking.toJson()) as { id: string }).id;
    await auditTrailWith(sut, tenant.tenantId, ehrAppointmentId, ['AppointmentCancelledV1']);
    await waitForPipelineToSettle(sut);
    expect(await smsTo(sut, phone.e164)).toHaveLength(2);
  });
});

async function waitForSpans(
  stack: Stack,
  traceId: string,
  services: readonly string[],
): Promise<{ service: string; traceId: string }[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const spans = stack.collector.collected().filter((span) => span.traceId === traceId);
    const present = new Set(spans.map((span) => span.service));
    if (services.every((service) => present.has(service))) return spans;
    if (Date.now() > deadline) {
      throw new Error(`spans of trace ${traceId} only from ${[...present].join(', ') || 'nobody'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
