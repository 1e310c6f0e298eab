import { randomUUID } from 'node:crypto';

import { eventually, FhirAppointmentBuilder, newWebhookSecret, Stack } from '@caredispatch/testing';

import {
  postBooking,
  settledSmsTo,
  smsTo,
  type TenantCredentials,
  messagesOfBooking,
  uniquePhone,
  waitForSmsTo,
} from './support/flow';

jest.setTimeout(600_000);

/**
 * kill -9 at the moments that lose or duplicate messages in naive pipelines. Each test runs
 * the service it crashes with its relay / sender switched off so the crash lands exactly
 * between the database commit and the external effect; after the kill it restarts with its
 * normal configuration, as an orchestrator would restart it. Every test asks for the
 * configuration it needs, so none depends on what an earlier one left behind.
 */
describe('crash safety: SIGKILL between commit and effect', () => {
  const tenant: TenantCredentials = {
    tenantId: `clinic-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const sut = new Stack({ tenants: { [tenant.tenantId]: tenant.secret } });

  beforeAll(() => sut.start());
  afterAll(() => sut.stop());

  it('should text once when ehr-gateway dies after its commit and before the relay publishes', async () => {
    await sut.ensureRunningWith('ehr-gateway', { OUTBOX_RELAY_ENABLED: 'false' });
    await sut.ensureRunningWith('messaging');
    const phone = uniquePhone();
    expect(
      (
        await postBooking(
          sut,
          tenant,
          FhirAppointmentBuilder.booking({ patientPhone: phone.display }),
        )
      ).status,
    ).toBe(202);
    const [pending] = await sut
      .database('ehr-gateway')
      .query<{ count: string }>(
        'SELECT count(*) FROM outbox_message WHERE tenant_id = $1 AND published_at IS NULL',
        [tenant.tenantId],
      );
    expect(pending).toEqual({ count: '1' });

    await sut.service('ehr-gateway').kill();
    await sut.restart('ehr-gateway');
    expect(await settledSmsTo(sut, phone.e164, 1)).toHaveLength(1);
  });

  it('should text once when messaging dies after consuming the event and before sending', async () => {
    await sut.ensureRunningWith('ehr-gateway');
    await sut.ensureRunningWith('messaging', { MESSAGE_SENDER_ENABLED: 'false' });
    const phone = uniquePhone();
    const booking = FhirAppointmentBuilder.booking({ patientPhone: phone.display });
    expect((await postBooking(sut, tenant, booking)).status).toBe(202);
    await eventually(
      async () => {
        const rows = await messagesOfBooking<{ state: string }>(
          sut,
          tenant.tenantId,
          booking.appointmentId,
          'state',
        );
        return rows.length === 1 && rows[0]?.state === 'queued' ? true : undefined;
      },
      120_000,
      'the confirmation recorded as queued',
    );

    await sut.service('messaging').kill();
    expect(await smsTo(sut, phone.e164)).toHaveLength(0);
    await sut.restart('messaging');
    expect(await settledSmsTo(sut, phone.e164, 1)).toHaveLength(1);
  });

  it('should text once when messaging dies after Twilio accepted and before it recorded the send', async () => {
    await sut.ensureRunningWith('ehr-gateway');
    await sut.ensureRunningWith('messaging');
    const phone = uniquePhone();
    sut.twilio.holdNextResponses(1);
    const booking = FhirAppointmentBuilder.booking({ patientPhone: phone.display });
    expect((await postBooking(sut, tenant, booking)).status).toBe(202);
    // Twilio has the message; its answer is held, so messaging has not recorded the SID.
    await waitForSmsTo(sut, phone.e164, 1);

    await sut.service('messaging').kill();
    sut.twilio.releaseHeldResponses();
    await sut.restart('messaging');

    await eventually(
      async () => {
        const rows = await messagesOfBooking<{ provider_message_id: string | null }>(
          sut,
          tenant.tenantId,
          booking.appointmentId,
          'provider_message_id',
        );
        return rows[0]?.provider_message_id ? rows : undefined;
      },
      120_000,
      'the send reconciled with Twilio after the restart',
    );
    expect(await settledSmsTo(sut, phone.e164, 1)).toHaveLength(1);
  });
});
