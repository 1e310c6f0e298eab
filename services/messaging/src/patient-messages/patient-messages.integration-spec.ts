import { randomUUID } from 'node:crypto';

import { aScheduledAppointment, TestIdentityProvider } from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';
import { INBOUND_SMS_PATH } from '../inbound/inbound-sms.controller';
import { PLAYBOOK_SETTINGS } from '../reminders/planning/cadence-settings';

describe('patient messages read API (PostgreSQL + Kafka + OIDC)', () => {
  let idp: TestIdentityProvider;
  const harness = new MessagingHarness((tenantId) => ({
    ...idp.environment(),
    REMINDER_SETTINGS: JSON.stringify({ [tenantId]: PLAYBOOK_SETTINGS }),
  }));
  const phone = `+1503${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
  const patientId = randomUUID();
  const appointment = aScheduledAppointment({ phoneE164: phone, patientId });

  beforeAll(async () => {
    idp = await TestIdentityProvider.start();
    await harness.start();
    await harness.produce(
      harness.envelope('AppointmentBookedV1', { appointment }, appointment.appointmentId),
    );
    await harness.twilio.waitForMessages(1, 60_000, (sms) => sms.to === phone);
    await waitFor('the confirmation recorded as sent', 10_000, async () => {
      const rows = await harness.query<{ state: string }>(
        `SELECT state FROM message WHERE appointment_id = $1 AND purpose = 'confirmation'`,
        [appointment.appointmentId],
      );
      return rows.at(0)?.state === 'sent';
    });
    await harness.twilio.sendInboundSms(`${harness.baseUrl}${INBOUND_SMS_PATH}`, {
      from: phone,
      body: 'Can I bring my daughter?',
    });
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
    await idp.stop();
  });

  async function get(
    path: string,
    roles: string[],
    tenantId = harness.tenantId,
  ): Promise<Response> {
    return fetch(`${harness.baseUrl}${path}`, {
      headers: await idp.authorization({ tenantId, roles }),
    });
  }

  it("should show a coordinator the patient's messages, consent and replies, never a number", async () => {
    const sut = await get(`/v1/tenants/${harness.tenantId}/patients/${patientId}/messages`, [
      'coordinator',
    ]);

    expect(sut.status).toBe(200);
    const body = (await sut.json()) as {
      consent: unknown[];
      messages: { purpose: string; state: string; step: string }[];
      replies: { intent: string; text: string }[];
    };
    expect(body.consent).toEqual([
      expect.objectContaining({ channel: 'sms', state: 'granted', source: 'ehr' }),
    ]);
    expect(body.messages.map(({ purpose, state, step }) => ({ purpose, state, step }))).toEqual(
      expect.arrayContaining([
        { purpose: 'confirmation', state: 'sent', step: '' },
        { purpose: 'reminder', state: 'queued', step: expect.any(String) as string },
      ]),
    );
    expect(body.replies).toEqual([
      expect.objectContaining({ intent: 'other', text: 'Can I bring my daughter?' }),
    ]);
    expect(JSON.stringify(body)).not.toContain(phone);
  });

  it("should show the appointment's reminder plan with due instants", async () => {
    const sut = await get(
      `/v1/tenants/${harness.tenantId}/appointments/${appointment.appointmentId}/reminders`,
      ['front-desk'],
    );

    expect(sut.status).toBe(200);
    const body = (await sut.json()) as { steps: { step: string; state: string; dueAt: string }[] };
    expect(body.steps).toHaveLength(1);
    expect(body.steps[0]).toEqual(expect.objectContaining({ state: 'queued', channel: 'sms' }));
    // The playbook's text 24 h before the visit (its start is on a weekday in allowed hours).
    expect(new Date(body.steps[0].dueAt).getTime()).toBeLessThan(
      new Date('2030-03-12T13:30:00Z').getTime(),
    );
  });

  it("should answer another tenant's path exactly like a patient that does not exist", async () => {
    const otherTenant = await get(
      `/v1/tenants/${harness.tenantId}/patients/${patientId}/messages`,
      ['coordinator'],
      'another-tenant',
    );
    const unknown = await get(`/v1/tenants/${harness.tenantId}/patients/${randomUUID()}/messages`, [
      'coordinator',
    ]);

    expect([otherTenant.status, unknown.status]).toEqual([404, 404]);
    const [a, b] = (await Promise.all([otherTenant.json(), unknown.json()])) as {
      error: { code: string };
    }[];
    expect(a).toEqual(b);
    expect(a.error.code).toBe('PATIENT_NOT_FOUND');
  });

  it('should refuse a provider (403) and a request without a token (401)', async () => {
    const provider = await get(`/v1/tenants/${harness.tenantId}/patients/${patientId}/messages`, [
      'provider',
    ]);
    const anonymous = await fetch(
      `${harness.baseUrl}/v1/tenants/${harness.tenantId}/patients/${patientId}/messages`,
    );

    expect([provider.status, anonymous.status]).toEqual([403, 401]);
  });

  describe('reminder settings admin API', () => {
    const path = () => `/v1/tenants/${harness.tenantId}/reminder-settings`;

    async function send(
      method: 'PUT' | 'POST',
      url: string,
      roles: string[],
      body: unknown,
    ): Promise<Response> {
      return fetch(`${harness.baseUrl}${url}`, {
        method,
        headers: {
          ...(await idp.authorization({ tenantId: harness.tenantId, roles })),
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    }

    it('should refuse a bad cadence naming the field, and store nothing', async () => {
      const bad = {
        ...PLAYBOOK_SETTINGS,
        cadences: {
          default: {
            steps: [
              {
                key: 'x',
                channel: 'fax',
                timing: { kind: 'before', minutes: 60 },
                template: 'reminder',
              },
            ],
          },
        },
      };

      const sut = await send('PUT', path(), ['practice-admin'], bad);

      expect(sut.status).toBe(400);
      const body = (await sut.json()) as { error: { code: string; details: { field: string } } };
      expect(body.error.code).toBe('REMINDER_SETTINGS_INVALID');
      expect(body.error.details.field).toBe('cadences.default.steps.0.channel');
      expect(await harness.query(`SELECT 1 FROM reminder_settings`)).toEqual([]);
    });

    it('should replace the settings for a practice admin only and read them back', async () => {
      const settings = {
        ...PLAYBOOK_SETTINGS,
        typeMappings: [],
        cadences: {
          default: {
            steps: [
              {
                key: 'sms-2h',
                channel: 'sms',
                timing: { kind: 'before', minutes: 120 },
                template: 'reminder',
              },
            ],
          },
        },
      };

      const frontDesk = await send('PUT', path(), ['front-desk'], settings);
      const admin = await send('PUT', path(), ['practice-admin'], settings);
      const read = await get(path(), ['coordinator']);

      expect([frontDesk.status, admin.status, read.status]).toEqual([403, 200, 200]);
      expect(await read.json()).toEqual({ source: 'stored', settings });
    });

    it('should preview the plan for a hypothetical appointment', async () => {
      const sut = await send('POST', `${path()}/preview`, ['coordinator'], {
        start: '2030-03-13T17:00:00Z',
        timeZone: 'America/New_York',
        language: 'es',
      });

      expect(sut.status).toBe(200);
      const body = (await sut.json()) as { steps: { step: string; dueAt: string; text: string }[] };
      expect(body.steps).toEqual([
        expect.objectContaining({
          step: 'sms-2h',
          outcome: 'send',
          dueAt: '2030-03-13T15:00:00.000Z',
        }),
      ]);
      expect(body.steps[0].text).toContain('Hola Alex');
    });

    it('should name the bad field of a preview request', async () => {
      const sut = await send('POST', `${path()}/preview`, ['coordinator'], {
        start: 'tomorrow',
        timeZone: 'America/New_York',
      });

      expect(sut.status).toBe(400);
      const body = (await sut.json()) as { error: { details: { field: string } } };
      expect(body.error.details.field).toBe('start');
    });
  });

  describe('reminder template overrides admin API', () => {
    const path = () => `/v1/tenants/${harness.tenantId}/reminder-templates`;
    const spanishText = {
      channel: 'sms',
      appointmentType: 'default',
      language: 'es',
      name: 'reminder',
      body: 'Hola {firstName}: le esperamos en {practice} el {date} a las {time}. {link} STOP=baja',
    };

    async function put(roles: string[], body: unknown): Promise<Response> {
      return fetch(`${harness.baseUrl}${path()}`, {
        method: 'PUT',
        headers: {
          ...(await idp.authorization({ tenantId: harness.tenantId, roles })),
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    }

    it('should refuse a text too long for one segment with the longest values, naming the field, and store nothing', async () => {
      const sut = await put(['practice-admin'], {
        templates: [
          {
            ...spanishText,
            body: `${spanishText.body} Traiga su tarjeta del seguro y una lista de sus medicamentos, por favor.`,
          },
        ],
      });

      expect(sut.status).toBe(400);
      const body = (await sut.json()) as { error: { code: string; details: { field: string } } };
      expect(body.error.code).toBe('REMINDER_TEMPLATES_INVALID');
      expect(body.error.details.field).toBe('templates.0.body');
      expect(await harness.query(`SELECT 1 FROM reminder_template_override`)).toEqual([]);
    });

    it('should replace the overrides for a practice admin only, read them back and preview with them', async () => {
      const frontDesk = await put(['front-desk'], { templates: [spanishText] });
      const admin = await put(['practice-admin'], { templates: [spanishText] });
      const read = await get(path(), ['coordinator']);
      const preview = await fetch(
        `${harness.baseUrl}/v1/tenants/${harness.tenantId}/reminder-settings/preview`,
        {
          method: 'POST',
          headers: {
            ...(await idp.authorization({ tenantId: harness.tenantId, roles: ['coordinator'] })),
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            start: '2030-03-13T17:00:00Z',
            timeZone: 'America/New_York',
            language: 'es',
          }),
        },
      );

      expect([frontDesk.status, admin.status, read.status, preview.status]).toEqual([
        403, 200, 200, 200,
      ]);
      expect(await read.json()).toEqual({ templates: [spanishText] });
      const steps = (
        (await preview.json()) as { steps: { channel: string; text: string | null }[] }
      ).steps;
      expect(steps.filter((step) => step.channel === 'sms').map((step) => step.text)).toEqual([
        expect.stringMatching(
          /^Hola Alex: le esperamos en Your practice el .* https:\/\/cd\.example\/a\//,
        ),
      ]);
    });
  });
});
