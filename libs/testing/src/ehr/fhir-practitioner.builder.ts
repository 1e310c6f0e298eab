import { type FhirResource } from './ehr-fhir-stand-in';

export interface FhirPractitionerInit {
  readonly id: string;
  readonly given: string;
  readonly family: string;
  readonly prefix?: string;
  readonly active?: boolean;
  /** Qualification codes as `[system, code]` (system may be ''). */
  readonly qualifications?: readonly (readonly [string, string])[];
  readonly email?: string;
  readonly mobile?: string;
}

/** A FHIR R4 Practitioner as an EHR exposes it (provider data, no patient). */
export function fhirPractitioner(init: FhirPractitionerInit): FhirResource {
  return {
    resourceType: 'Practitioner',
    id: init.id,
    active: init.active ?? true,
    name: [
      {
        use: 'official',
        family: init.family,
        given: [init.given],
        ...(init.prefix === undefined ? {} : { prefix: [init.prefix] }),
      },
    ],
    telecom: [
      ...(init.mobile === undefined
        ? []
        : [{ system: 'phone', value: init.mobile, use: 'mobile' }]),
      ...(init.email === undefined ? [] : [{ system: 'email', value: init.email, use: 'work' }]),
    ],
    qualification: (init.qualifications ?? []).map(([system, code]) => ({
      code: { coding: [{ ...(system === '' ? {} : { system }), code }] },
    })),
  };
}

export interface FhirPractitionerRoleInit {
  readonly id: string;
  readonly practitionerId: string;
  readonly locationIds?: readonly string[];
  readonly codes?: readonly (readonly [string, string])[];
  readonly specialties?: readonly (readonly [string, string])[];
  /** FHIR days (`mon` …) with `HH:MM:SS` start and end. */
  readonly availableTimes?: readonly {
    readonly days: readonly string[];
    readonly start: string;
    readonly end: string;
  }[];
  readonly active?: boolean;
}

export function fhirPractitionerRole(init: FhirPractitionerRoleInit): FhirResource {
  const concept = ([system, code]: readonly [string, string]) => ({
    coding: [{ ...(system === '' ? {} : { system }), code }],
  });
  return {
    resourceType: 'PractitionerRole',
    id: init.id,
    active: init.active ?? true,
    practitioner: { reference: `Practitioner/${init.practitionerId}` },
    location: (init.locationIds ?? []).map((id) => ({ reference: `Location/${id}` })),
    code: (init.codes ?? []).map(concept),
    specialty: (init.specialties ?? []).map(concept),
    availableTime: (init.availableTimes ?? []).map((time) => ({
      daysOfWeek: [...time.days],
      availableStartTime: time.start,
      availableEndTime: time.end,
    })),
  };
}
