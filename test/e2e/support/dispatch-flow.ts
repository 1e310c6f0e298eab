import { Role } from '@caredispatch/auth';
import {
  eventually,
  FhirAppointmentBuilder,
  type SeedAppointment,
  type SeedWeek,
  type Stack,
} from '@caredispatch/testing';

import { postBooking, type TenantCredentials } from './flow';

/** What dispatch-optimizer's API answers, as far as a client of it reads (see plan.model.ts). */
export interface PlanStopView {
  readonly appointmentId: string;
  readonly start: string;
  readonly visitMode: 'home' | 'clinic';
}
export interface ProviderDayView {
  readonly providerId: string;
  readonly day: string;
  readonly stops: readonly PlanStopView[];
}
export interface PlanView {
  readonly planId: string;
  readonly version: number;
  readonly tenantId: string;
  readonly cause: { readonly kind: string; readonly appointmentId?: string } | null;
  readonly providerDays: readonly ProviderDayView[];
  readonly unserved: readonly { readonly appointmentId: string; readonly reason: string }[];
  readonly travel: {
    readonly source: string;
    readonly fallback: boolean;
    readonly fallbackReason?: string;
    readonly billedElements: number;
    readonly cacheHits: number;
    readonly cacheMisses: number;
  };
}
export interface CallOutView {
  readonly planVersion: number;
  readonly backupProviderIds: readonly string[];
  readonly reassignedAppointmentIds: readonly string[];
  readonly rescheduleNeededAppointmentIds: readonly string[];
}
export interface ExceptionView {
  readonly kind: string;
  readonly reason: string;
  readonly appointmentId: string | null;
}

const PRACTICE_ADMIN = [Role.PracticeAdmin];
const COORDINATOR = [Role.Coordinator];

/** Calls dispatch-optimizer's API with a token of `roles` for `tenantId`; throws on ≥ 300. */
export async function dispatchApi<T>(
  stack: Stack,
  tenantId: string,
  method: string,
  path: string,
  body?: unknown,
  roles: readonly Role[] = COORDINATOR,
): Promise<T> {
  const authorization = await stack.identity.authorization({ tenantId, roles: [...roles] });
  const response = await fetch(
    `${stack.service('dispatch-optimizer').baseUrl}/v1/tenants/${tenantId}${path}`,
    {
      method,
      headers: {
        ...authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
  );
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return (text === '' ? null : JSON.parse(text)) as T;
}

/** Settings, clinics, appointment-type rules and providers of a seed week, as a practice admin. */
export async function configureSeedWeek(
  stack: Stack,
  tenantId: string,
  week: SeedWeek,
): Promise<void> {
  const put = (path: string, body: unknown) =>
    dispatchApi(stack, tenantId, 'PUT', path, body, PRACTICE_ADMIN);
  await put('/dispatch-settings', { timeZone: week.timeZone, mapsMonthlyElementBudget: 1_000_000 });
  for (const clinic of week.clinics) await put(`/clinics/${clinic.clinicId}`, clinic.body);
  for (const rule of week.rules) await put(`/appointment-types/${rule.typeCode}`, rule.body);
  for (const provider of week.providers)
    await put(`/providers/${provider.providerId}`, provider.body);
}

/** The EHR's FHIR Appointment for a seed appointment: its location is the EHR's location id. */
export function fhirBookingOf(
  week: SeedWeek,
  appointment: SeedAppointment,
  index: number,
): FhirAppointmentBuilder {
  const end = new Date(appointment.start.getTime() + appointment.durationMinutes * 60_000);
  return FhirAppointmentBuilder.booking({
    id: ehrAppointmentIdOf(appointment),
    start: appointment.start.toISOString(),
    end: end.toISOString(),
    minutesDuration: appointment.durationMinutes,
    patientId: `pat-${appointment.appointmentId}`,
    patientMrn: `MRN-${String(index).padStart(6, '0')}`,
    patientGivenNames: [appointment.givenName],
    patientFamilyName: appointment.familyName,
    // Dispatch's flow does not text patients; messaging is not part of this stack anyway.
    smsOptOut: true,
    locationId: appointment.ehrLocationId,
    locationTimeZone: week.timeZone,
    locationName: appointment.addressLines ? 'Patient home' : appointment.ehrLocationId,
    appointmentTypeCode: appointment.typeCode,
    locationAddress: {
      line: appointment.addressLines ?? ['100 Main St'],
      city: '',
      state: '',
      postalCode: '',
      country: '',
    },
  });
}

export function ehrAppointmentIdOf(appointment: SeedAppointment): string {
  return `appt-${appointment.appointmentId}`;
}

/** Books every appointment through ehr-gateway's signed webhook, a few at a time. */
export async function bookThroughWebhooks(
  stack: Stack,
  tenant: TenantCredentials,
  week: SeedWeek,
  appointments: readonly SeedAppointment[] = week.appointments,
): Promise<void> {
  const queue = appointments.map((appointment, index) => ({ appointment, index }));
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const answer = await postBooking(
        stack,
        tenant,
        fhirBookingOf(week, next.appointment, next.index),
      );
      if (answer.status !== 202)
        throw new Error(`booking refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/**
 * scheduling's appointment id for each EHR appointment id this stack's scheduling recorded.
 * Other engineers' stacks share the broker and may republish this run's EHR events under their
 * own ids; only these are this run's.
 */
export async function schedulingIdsByEhrId(
  stack: Stack,
  tenantId: string,
): Promise<Map<string, string>> {
  const rows = await stack.database('scheduling').query<{
    id: string;
    ehr_appointment_id: string;
  }>('SELECT id, ehr_appointment_id FROM appointment WHERE tenant_id = $1', [tenantId]);
  return new Map(rows.map((row) => [row.ehr_appointment_id, row.id]));
}

/** Waits until dispatch holds every one of `schedulingIds` (revision consumed). */
export async function waitForDispatchToHold(
  stack: Stack,
  tenantId: string,
  schedulingIds: readonly string[],
): Promise<void> {
  await eventually(
    async () => {
      const [row] = await stack
        .database('dispatch-optimizer')
        .query<{ count: string }>(
          'SELECT count(*) FROM dispatch_appointment WHERE tenant_id = $1 AND appointment_id = ANY($2::uuid[])',
          [tenantId, schedulingIds],
        );
      return Number(row.count) === schedulingIds.length ? true : undefined;
    },
    120_000,
    `dispatch to hold ${schedulingIds.length} appointments`,
    250,
  );
}

/** Waits until every itinerary delivery dispatch has queued is sent, and returns their count. */
export async function waitForDeliveriesSent(stack: Stack, tenantId: string): Promise<number> {
  await stack.waitForConsumerToCatchUp('dispatch-optimizer');
  return eventually(
    async () => {
      const rows = await stack.database('dispatch-optimizer').query<{
        state: string;
        count: string;
      }>('SELECT state, count(*) FROM itinerary_delivery WHERE tenant_id = $1 GROUP BY state', [tenantId]);
      const pending = rows.filter((row) => row.state !== 'sent');
      return pending.length === 0
        ? rows.reduce((sum, row) => sum + Number(row.count), 0)
        : undefined;
    },
    60_000,
    'every itinerary delivery sent',
    200,
  );
}
