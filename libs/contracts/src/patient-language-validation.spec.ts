import { create } from '@bufbuild/protobuf';

import { ScheduledAppointmentSchema } from './generated/caredispatch/scheduling/appointment/v1/appointment_pb';
import { validateScheduledAppointment } from './validation';

const ID = '0b6f1d1e-7c1a-4b7e-9a51-3f0f2c1d9e11';

function appointmentWithLanguage(preferredLanguage: string | undefined) {
  return create(ScheduledAppointmentSchema, {
    appointmentId: ID,
    ehrAppointmentId: 'appt-1',
    revision: 1,
    start: { seconds: 1_900_000_000n },
    end: { seconds: 1_900_001_800n },
    location: { locationId: ID, timeZone: 'America/New_York' },
    patient: {
      patientId: ID,
      ...(preferredLanguage === undefined ? {} : { preferredLanguage }),
    },
  });
}

describe(validateScheduledAppointment.name, () => {
  it.each([undefined, 'es', 'en-US', 'zh-Hant-TW'])(
    'should accept the patient language %j',
    (tag) => {
      expect(validateScheduledAppointment(appointmentWithLanguage(tag))).toEqual([]);
    },
  );

  it.each(['Spanish (Mexico)', 'e', `es-${'x'.repeat(40)}`])(
    'should name the patient language %j as not a BCP-47 tag',
    (tag) => {
      expect(validateScheduledAppointment(appointmentWithLanguage(tag))).toEqual([
        'appointment.patient.preferred_language must be a BCP-47 language tag of at most 35 characters',
      ]);
    },
  );
});
