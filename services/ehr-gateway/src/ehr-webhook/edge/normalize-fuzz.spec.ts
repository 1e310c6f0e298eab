import { equals } from '@bufbuild/protobuf';
import fc from 'fast-check';

import {
  createEnvelope,
  decodeEvent,
  EhrAppointmentSchema,
  encodeEnvelope,
} from '@caredispatch/contracts';
import { FhirAppointmentBuilder } from '@caredispatch/testing';

import { fhirMutation, mutateFhir } from '../../../test/fhir-mutations';
import { storageIssues } from '../../../test/storage-rules';
import { ehrWebhookHttpStatus, isDomainError } from '../ehr-webhook.errors';
import {
  type NormalizeOptions,
  normalizeFhirAppointment,
  sequencedAppointment,
} from '../fhir/normalize-appointment';

const options: NormalizeOptions = {
  defaultPhoneRegion: 'US',
  defaultTimeZone: undefined,
  configuredPracticeName: undefined,
};

/**
 * Mutated but well-formed JSON bodies (signature checks are not the subject here): the
 * normalizer either refuses with a 4xx DomainError, or produces an event every consumer can
 * decode, validate and store.
 */
describe(`${normalizeFhirAppointment.name} under fuzzing`, () => {
  it('should refuse with a 4xx or produce an event that round-trips and can be stored', () => {
    const booking = FhirAppointmentBuilder.booking({ versionId: undefined });
    const forms = [booking.buildContained(), booking.buildBundle()];
    let accepted = 0;
    let refused = 0;

    fc.assert(
      fc.property(
        fc.constantFrom(...forms),
        fc.array(fhirMutation, { minLength: 1, maxLength: 4 }),
        (form, mutations) => {
          const body = mutateFhir(form, mutations);
          let normalized;
          try {
            normalized = normalizeFhirAppointment(body, options);
          } catch (error) {
            if (!isDomainError(error)) throw error;
            expect(ehrWebhookHttpStatus(error.code)).toBeGreaterThanOrEqual(400);
            expect(ehrWebhookHttpStatus(error.code)).toBeLessThan(500);
            refused += 1;
            return;
          }
          const sut = sequencedAppointment(normalized, 1);
          // The consumers' own path: envelope encoding, decoding and contract validation.
          const envelope = createEnvelope(
            {
              type: 'EhrAppointmentBookedV1',
              tenantId: 'fuzz',
              aggregateId: `fuzz:${sut.ehrAppointmentId}`,
              payload: { appointment: sut },
            },
            { producer: 'ehr-gateway' },
          );
          const decoded = decodeEvent(encodeEnvelope(envelope));
          if (decoded.type !== 'EhrAppointmentBookedV1') throw new Error(decoded.type);
          const appointment = decoded.payload.appointment;

          expect(appointment && equals(EhrAppointmentSchema, appointment, sut)).toBe(true);
          expect(appointment && storageIssues(appointment)).toEqual([]);
          accepted += 1;
        },
      ),
      { numRuns: 2_000 },
    );

    // Both branches must have been exercised for the property to mean anything.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
