import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { timestampDate } from '@caredispatch/contracts';
import { FhirAppointmentBuilder, type FhirJson } from '@caredispatch/testing';

import { EhrWebhookErrorCode, isDomainError } from '../ehr-webhook.errors';

import {
  normalizeFhirAppointment,
  sequencedAppointment,
  type NormalizeOptions,
} from './normalize-appointment';

const options: NormalizeOptions = {
  defaultPhoneRegion: 'US',
  defaultTimeZone: 'America/Chicago',
  configuredPracticeName: undefined,
};

function failureOf(
  body: unknown,
  with_: NormalizeOptions = options,
): { code: string; path: unknown } {
  try {
    normalizeFhirAppointment(body, with_);
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, path: error.details?.path };
    throw error;
  }
  throw new Error('expected normalization to fail');
}

describe(normalizeFhirAppointment.name, () => {
  describe.each(['contained', 'bundle'] as const)('given the %s form', (form) => {
    const patientPath = {
      contained: 'Appointment.contained[0]',
      bundle: 'Bundle.entry[1].resource',
    };
    const build = (builder: FhirAppointmentBuilder): FhirJson =>
      form === 'contained' ? builder.buildContained() : builder.buildBundle();

    it('should map the appointment, patient, practitioner and location into the contract', () => {
      const builder = FhirAppointmentBuilder.booking();

      const sut = normalizeFhirAppointment(build(builder), options);

      expect(sut.ehrAppointmentId).toBe(builder.appointmentId);
      expect(sut.versionId).toBe('1');
      expect(sut.lifecycle).toBe('active');
      expect(sut.start.toISOString()).toBe('2030-03-14T13:30:00.000Z');
      expect(sut.end.toISOString()).toBe('2030-03-14T14:00:00.000Z');
      expect(sut.sourceUpdatedAt?.toISOString()).toBe('2030-03-01T14:00:00.000Z');
      expect(sut.appointment).toMatchObject({
        ehrAppointmentId: builder.appointmentId,
        status: 'booked',
        durationMinutes: 30,
        appointmentTypeCode: 'ROUTINE',
        practiceName: 'Harbor Family Dental',
        patient: {
          givenName: 'Maria Elena',
          familyName: 'Rivera',
          phoneE164: '+14155552671',
          email: 'maria.rivera@example.com',
          smsConsent: true,
        },
        practitioner: { ehrPractitionerId: 'prac-1', name: 'Chidi Okafor', credentials: 'DDS' },
        location: {
          ehrLocationId: 'loc-1',
          timeZone: 'America/New_York',
          address: { city: 'Boston', postalCode: '02110', lines: ['120 Harbor St', 'Suite 4'] },
        },
      });
      expect(timestampDate(sut.appointment.start!).toISOString()).toBe('2030-03-14T13:30:00.000Z');
    });

    it('should fail with MISSING_PATIENT when no participant is a Patient', () => {
      const sut = failureOf(build(FhirAppointmentBuilder.booking({ includePatient: false })));

      expect(sut.code).toBe(EhrWebhookErrorCode.MissingPatient);
    });

    it('should fail with MISSING_PATIENT_PHONE pointing at the Patient telecom', () => {
      const sut = failureOf(build(FhirAppointmentBuilder.booking({ patientPhone: undefined })));

      expect(sut.code).toBe(EhrWebhookErrorCode.MissingPatientPhone);
      expect(sut.path).toBe(patientPath[form] + '.telecom');
    });
  });

  it('should normalize the demo fixture', () => {
    const fixture: unknown = JSON.parse(
      readFileSync(join(__dirname, '../../../fixtures/sample-booking.json'), 'utf8'),
    );

    const sut = normalizeFhirAppointment(fixture, options);

    expect(sut.appointment).toMatchObject({
      ehrAppointmentId: 'appt-20300314-0930-okafor',
      sourceSystem: 'https://ehr.harbor-family-dental.example/fhir',
      durationMinutes: 45,
      practiceName: 'Harbor Family Dental',
      patient: { ehrPatientId: 'MRN-0048213', phoneE164: '+16175550142', smsConsent: true },
      practitioner: { ehrPractitionerId: '1922334455', credentials: 'DDS' },
      location: { ehrLocationId: 'loc-downtown', timeZone: 'America/New_York' },
    });
    expect(sut.start.toISOString()).toBe('2030-03-14T13:30:00.000Z');
  });

  it('should key a contained Patient on its business identifier, a bundled one on its id', () => {
    const builder = FhirAppointmentBuilder.booking();

    const contained = normalizeFhirAppointment(builder.buildContained(), options);
    const bundled = normalizeFhirAppointment(builder.buildBundle(), options);

    expect(contained.appointment.patient?.ehrPatientId).toBe('MRN-000123');
    expect(bundled.appointment.patient?.ehrPatientId).toBe('pat-1');
  });

  describe('time zones', () => {
    it('should read a start without offset as wall-clock time in the location zone', () => {
      const body = FhirAppointmentBuilder.booking({
        start: '2030-07-01T09:00:00',
        end: '2030-07-01T09:45:00',
        locationTimeZone: 'America/Los_Angeles',
      }).buildContained();

      const sut = normalizeFhirAppointment(body, options);

      expect(sut.start.toISOString()).toBe('2030-07-01T16:00:00.000Z');
      expect(sut.end.toISOString()).toBe('2030-07-01T16:45:00.000Z');
      expect(sut.appointment.location?.timeZone).toBe('America/Los_Angeles');
    });

    it('should respect daylight saving time when reading local times', () => {
      const winter = FhirAppointmentBuilder.booking({ start: '2030-01-15T09:00', end: undefined });

      const sut = normalizeFhirAppointment(winter.buildContained(), options);

      expect(sut.start.toISOString()).toBe('2030-01-15T14:00:00.000Z');
      expect(sut.end.toISOString()).toBe('2030-01-15T14:30:00.000Z');
    });

    it('should fall back to the configured default zone when the Location has none', () => {
      const body = FhirAppointmentBuilder.booking({
        start: '2030-07-01T09:00:00',
        end: undefined,
        locationTimeZone: undefined,
      }).buildBundle();

      const sut = normalizeFhirAppointment(body, options);

      expect(sut.appointment.location?.timeZone).toBe('America/Chicago');
      expect(sut.start.toISOString()).toBe('2030-07-01T14:00:00.000Z');
    });

    it('should keep an explicit offset even when the location zone differs', () => {
      const body = FhirAppointmentBuilder.booking({
        start: '2030-07-01T09:00:00Z',
        end: '2030-07-01T09:30:00Z',
        locationTimeZone: 'Asia/Tokyo',
      }).buildContained();

      const sut = normalizeFhirAppointment(body, options);

      expect(sut.start.toISOString()).toBe('2030-07-01T09:00:00.000Z');
    });

    it.each(['Mars/Olympus_Mons', 'UTC+3', 'EST-ish'])(
      'should fail with UNKNOWN_TIME_ZONE for %p',
      (zone) => {
        const sut = failureOf(
          FhirAppointmentBuilder.booking({ locationTimeZone: zone }).buildContained(),
        );

        expect(sut).toEqual({
          code: EhrWebhookErrorCode.UnknownTimeZone,
          path: 'Appointment.contained[2].extension[0].valueCode',
        });
      },
    );
  });

  describe('phone numbers', () => {
    it.each([
      ['(415) 555-2671', '+14155552671'],
      ['415.555.2671', '+14155552671'],
      ['+1 415 555 2671', '+14155552671'],
      ['tel:+14155552671', '+14155552671'],
      ['+44 20 7946 0958', '+442079460958'],
    ])('should normalize %p to %p', (raw, e164) => {
      const sut = normalizeFhirAppointment(
        FhirAppointmentBuilder.booking({ patientPhone: raw }).buildContained(),
        options,
      );

      expect(sut.appointment.patient?.phoneE164).toBe(e164);
    });

    it('should read national numbers in the configured default region', () => {
      const body = FhirAppointmentBuilder.booking({
        patientPhone: '020 7946 0958',
      }).buildContained();

      const sut = normalizeFhirAppointment(body, { ...options, defaultPhoneRegion: 'GB' });

      expect(sut.appointment.patient?.phoneE164).toBe('+442079460958');
    });

    it('should fail with INVALID_PATIENT_PHONE pointing at the unusable value', () => {
      const sut = failureOf(
        FhirAppointmentBuilder.booking({ patientPhone: '12' }).buildContained(),
      );

      expect(sut).toEqual({
        code: EhrWebhookErrorCode.InvalidPatientPhone,
        path: 'Appointment.contained[0].telecom[0].value',
      });
    });
  });

  it('should honour the SMS opt-out extension', () => {
    const sut = normalizeFhirAppointment(
      FhirAppointmentBuilder.booking({ smsOptOut: true }).buildContained(),
      options,
    );

    expect(sut.appointment.patient?.smsConsent).toBe(false);
  });

  it('should prefer the configured practice name over the EHR Organization', () => {
    const sut = normalizeFhirAppointment(FhirAppointmentBuilder.booking().buildContained(), {
      ...options,
      configuredPracticeName: 'Harbor Dental',
    });

    expect(sut.appointment.practiceName).toBe('Harbor Dental');
  });

  it('should classify cancelled and entered-in-error as cancellations with a reason code', () => {
    const cancelled = normalizeFhirAppointment(
      FhirAppointmentBuilder.booking({ status: 'cancelled' }).buildContained(),
      options,
    );
    const enteredInError = normalizeFhirAppointment(
      FhirAppointmentBuilder.booking({ status: 'entered-in-error' }).buildContained(),
      options,
    );

    expect([cancelled.lifecycle, cancelled.cancellationReasonCode]).toEqual([
      'cancelled',
      'cancelled',
    ]);
    expect(enteredInError.lifecycle).toBe('cancelled');
  });

  describe('versions', () => {
    it('should publish meta.versionId as ehrVersion beside the sequence the change was recorded at', () => {
      const normalized = normalizeFhirAppointment(
        FhirAppointmentBuilder.booking({ versionId: '7' }).buildContained(),
        options,
      );

      const sut = sequencedAppointment(normalized, 3);

      expect(sut).toMatchObject({ ehrVersion: '7', sequence: 3 });
    });

    it('should name an unversioned appointment after its sequence', () => {
      const normalized = normalizeFhirAppointment(
        FhirAppointmentBuilder.booking({ versionId: undefined }).buildContained(),
        options,
      );

      const sut = sequencedAppointment(normalized, 3);

      expect(sut).toMatchObject({ ehrVersion: 'seq-3', sequence: 3 });
    });
  });

  describe('content hash', () => {
    it('should derive a stable content hash when meta.versionId is absent', () => {
      const builder = FhirAppointmentBuilder.booking({
        versionId: undefined,
        lastUpdated: undefined,
      });

      const first = normalizeFhirAppointment(builder.buildContained(), options);
      const again = normalizeFhirAppointment(builder.buildContained(), options);

      expect(first.versionId).toBeUndefined();
      expect(first.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(again.contentHash).toBe(first.contentHash);
    });

    it('should derive a different hash when the appointment moves', () => {
      const builder = FhirAppointmentBuilder.booking({ versionId: undefined });

      const first = normalizeFhirAppointment(builder.buildContained(), options);
      const moved = normalizeFhirAppointment(
        builder
          .with({ start: '2030-03-14T11:00:00-04:00', end: '2030-03-14T11:30:00-04:00' })
          .buildContained(),
        options,
      );

      expect(moved.contentHash).not.toBe(first.contentHash);
    });
  });

  describe('rejections', () => {
    const valid = () => FhirAppointmentBuilder.booking();

    it.each<[string, unknown, EhrWebhookErrorCode, string]>([
      ['an array', [], EhrWebhookErrorCode.NotAnAppointment, '$'],
      [
        'a Patient',
        { resourceType: 'Patient', id: 'x' },
        EhrWebhookErrorCode.NotAnAppointment,
        'resourceType',
      ],
      [
        'a Bundle without an Appointment',
        { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient' } }] },
        EhrWebhookErrorCode.NotAnAppointment,
        'Bundle.entry',
      ],
      [
        'no id',
        { ...valid().buildContained(), id: undefined },
        EhrWebhookErrorCode.InvalidAppointmentId,
        'Appointment.id',
      ],
      [
        'an id that is not a FHIR id',
        { ...valid().buildContained(), id: 'appt/1 OR 1=1' },
        EhrWebhookErrorCode.InvalidAppointmentId,
        'Appointment.id',
      ],
      [
        'no start',
        valid().with({ start: undefined }).buildContained(),
        EhrWebhookErrorCode.MissingStart,
        'Appointment.start',
      ],
      [
        'an unparseable start',
        valid().with({ start: '14/03/2030 09:30' }).buildContained(),
        EhrWebhookErrorCode.InvalidDateTime,
        'Appointment.start',
      ],
      [
        'a date-only start',
        valid().with({ start: '2030-03-14' }).buildContained(),
        EhrWebhookErrorCode.InvalidDateTime,
        'Appointment.start',
      ],
      [
        'no end and no duration',
        valid().with({ end: undefined, minutesDuration: undefined }).buildContained(),
        EhrWebhookErrorCode.MissingEnd,
        'Appointment.end',
      ],
      [
        'an end before the start',
        valid().with({ end: '2030-03-14T09:00:00-04:00' }).buildContained(),
        EhrWebhookErrorCode.EndBeforeStart,
        'Appointment.end',
      ],
      [
        'an unknown status',
        valid().with({ status: 'confirmed' }).buildContained(),
        EhrWebhookErrorCode.InvalidAppointmentStatus,
        'Appointment.status',
      ],
      [
        'an inherited object key as status',
        valid().with({ status: 'toString' }).buildContained(),
        EhrWebhookErrorCode.InvalidAppointmentStatus,
        'Appointment.status',
      ],
      [
        'a dangling contained reference',
        { ...valid().buildContained(), contained: [] },
        EhrWebhookErrorCode.UnresolvedReference,
        'Appointment.participant[0].actor.reference',
      ],
    ])('should reject %s', (_case, body, code, path) => {
      const sut = failureOf(body);

      expect(sut).toEqual({ code, path });
    });

    it('should reject a Bundle with a Patient reference to a missing entry', () => {
      const bundle = valid().buildBundle();
      const entries = bundle.entry as FhirJson[];
      const withoutPatient = { ...bundle, entry: entries.filter((_, index) => index !== 1) };

      const sut = failureOf(withoutPatient);

      expect(sut).toEqual({
        code: EhrWebhookErrorCode.UnresolvedReference,
        path: 'Bundle.entry[0].resource.participant[0].actor.reference',
      });
    });

    it('should reject a Bundle with two Appointments', () => {
      const bundle = valid().buildBundle();
      const entries = bundle.entry as FhirJson[];

      const sut = failureOf({ ...bundle, entry: [...entries, entries[0]] });

      expect(sut.code).toBe(EhrWebhookErrorCode.MultipleAppointments);
    });
  });
});
