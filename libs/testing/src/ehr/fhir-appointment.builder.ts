import { randomUUID } from 'node:crypto';

/** Plain JSON, as an EHR would send it. */
export type FhirJson = Record<string, unknown>;

export interface FhirAppointmentFields {
  readonly id: string;
  readonly versionId: string | undefined;
  readonly lastUpdated: string | undefined;
  readonly status: string;
  readonly start: string | undefined;
  readonly end: string | undefined;
  readonly minutesDuration: number | undefined;
  readonly patientId: string;
  readonly patientMrn: string;
  readonly patientPhone: string | undefined;
  readonly patientGivenNames: readonly string[];
  readonly patientFamilyName: string;
  readonly patientEmail: string;
  readonly smsOptOut: boolean;
  /** `Patient.communication`, in order; empty = none sent. */
  readonly patientCommunication: readonly FhirPatientCommunication[];
  readonly includePatient: boolean;
  readonly practitionerId: string;
  readonly locationId: string;
  /** undefined = no time zone extension on the Location. */
  readonly locationTimeZone: string | undefined;
  readonly organizationName: string;
  /** The EHR's appointment-type code (`appointmentType.coding[0].code`). */
  readonly appointmentTypeCode: string;
  readonly locationName: string;
  readonly locationAddress: {
    readonly line: readonly string[];
    readonly city: string;
    readonly state: string;
    readonly postalCode: string;
    readonly country: string;
  };
}

/** One `Patient.communication` entry; `system` defaults to BCP-47 (`urn:ietf:bcp:47`). */
export interface FhirPatientCommunication {
  readonly code: string;
  readonly system?: string;
  readonly preferred?: boolean;
}

const TIME_ZONE_EXTENSION_URL = 'http://hl7.org/fhir/StructureDefinition/timezone';
const SMS_OPT_OUT_EXTENSION_URL = 'https://caredispatch.dev/fhir/StructureDefinition/sms-opt-out';

/**
 * Builds FHIR R4 Appointments the way EHRs send them to the gateway: a bare Appointment with
 * contained Patient/Practitioner/Location (`#id` references), or a transaction-style Bundle
 * (`Type/id` and `urn:uuid` references). Self-contained so it can move to
 * @caredispatch/testing for the end-to-end suite. Defaults: a booked 30-minute visit in
 * New York, 9:30 local time, on a weekday well in the future.
 */
export class FhirAppointmentBuilder {
  private constructor(private readonly fields: FhirAppointmentFields) {}

  static booking(overrides: Partial<FhirAppointmentFields> = {}): FhirAppointmentBuilder {
    return new FhirAppointmentBuilder({
      id: `appt-${randomUUID()}`,
      versionId: '1',
      lastUpdated: '2030-03-01T14:00:00Z',
      status: 'booked',
      start: '2030-03-14T09:30:00-04:00',
      end: '2030-03-14T10:00:00-04:00',
      minutesDuration: 30,
      patientId: 'pat-1',
      patientMrn: 'MRN-000123',
      patientPhone: '(415) 555-2671',
      patientGivenNames: ['Maria', 'Elena'],
      patientFamilyName: 'Rivera',
      patientEmail: 'maria.rivera@example.com',
      smsOptOut: false,
      patientCommunication: [],
      includePatient: true,
      practitionerId: 'prac-1',
      locationId: 'loc-1',
      locationTimeZone: 'America/New_York',
      organizationName: 'Harbor Family Dental',
      appointmentTypeCode: 'ROUTINE',
      locationName: 'Harbor Family Dental — Downtown',
      locationAddress: {
        line: ['120 Harbor St', 'Suite 4'],
        city: 'Boston',
        state: 'MA',
        postalCode: '02110',
        country: 'US',
      },
      ...overrides,
    });
  }

  with(overrides: Partial<FhirAppointmentFields>): FhirAppointmentBuilder {
    return new FhirAppointmentBuilder({ ...this.fields, ...overrides });
  }

  get appointmentId(): string {
    return this.fields.id;
  }

  /** A bare Appointment whose participants are contained resources. */
  buildContained(): FhirJson {
    const f = this.fields;
    // EHRs commonly reuse their logical ids as the local ids of contained resources.
    const location = { ...this.location(), managingOrganization: { reference: '#org-1' } };
    return {
      ...this.appointment(),
      contained: [
        ...(f.includePatient ? [this.patient()] : []),
        this.practitioner(),
        location,
        { ...this.organization(), id: 'org-1' },
      ],
      participant: this.participants(`#${f.patientId}`, `#${f.practitionerId}`, `#${f.locationId}`),
    };
  }

  /** A Bundle with the Appointment and its participants as entries. */
  buildBundle(): FhirJson {
    const f = this.fields;
    const base = 'https://ehr.example.org/fhir';
    const practitionerUrl = `urn:uuid:${randomUUID()}`;
    const location = {
      ...this.location(),
      managingOrganization: { reference: `Organization/org-1` },
    };
    return {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: `${base}/Appointment/${f.id}`,
          resource: {
            ...this.appointment(),
            participant: this.participants(
              `Patient/${f.patientId}`,
              practitionerUrl,
              `${base}/Location/${f.locationId}`,
            ),
          },
        },
        ...(f.includePatient
          ? [{ fullUrl: `${base}/Patient/${f.patientId}`, resource: this.patient() }]
          : []),
        { fullUrl: practitionerUrl, resource: this.practitioner() },
        { fullUrl: `${base}/Location/${f.locationId}`, resource: location },
        {
          fullUrl: `${base}/Organization/org-1`,
          resource: { ...this.organization(), id: 'org-1' },
        },
      ],
    };
  }

  toJson(form: 'contained' | 'bundle' = 'contained'): string {
    return JSON.stringify(form === 'contained' ? this.buildContained() : this.buildBundle());
  }

  private appointment(): FhirJson {
    const f = this.fields;
    return withoutUndefined({
      resourceType: 'Appointment',
      id: f.id,
      meta:
        f.versionId === undefined && f.lastUpdated === undefined
          ? undefined
          : withoutUndefined({ versionId: f.versionId, lastUpdated: f.lastUpdated }),
      status: f.status,
      appointmentType: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v2-0276',
            code: f.appointmentTypeCode,
            display: f.appointmentTypeCode === 'ROUTINE' ? 'Routine appointment' : undefined,
          },
        ],
      },
      start: f.start,
      end: f.end,
      minutesDuration: f.minutesDuration,
    });
  }

  private participants(patient: string, practitioner: string, location: string): FhirJson[] {
    return [
      ...(this.fields.includePatient
        ? [{ actor: { reference: patient }, required: 'required', status: 'accepted' }]
        : []),
      { actor: { reference: practitioner }, required: 'required', status: 'accepted' },
      { actor: { reference: location }, required: 'required', status: 'accepted' },
    ];
  }

  private patient(): FhirJson {
    const f = this.fields;
    return withoutUndefined({
      resourceType: 'Patient',
      id: f.patientId,
      extension: f.smsOptOut ? [{ url: SMS_OPT_OUT_EXTENSION_URL, valueBoolean: true }] : undefined,
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: f.patientMrn }],
      name: [{ use: 'official', family: f.patientFamilyName, given: [...f.patientGivenNames] }],
      telecom: [
        ...(f.patientPhone === undefined
          ? []
          : [{ system: 'phone', value: f.patientPhone, use: 'mobile' }]),
        { system: 'email', value: f.patientEmail },
      ],
      communication:
        f.patientCommunication.length === 0
          ? undefined
          : f.patientCommunication.map((entry) =>
              withoutUndefined({
                language: {
                  coding: [{ system: entry.system ?? 'urn:ietf:bcp:47', code: entry.code }],
                },
                preferred: entry.preferred,
              }),
            ),
      birthDate: '1984-07-02',
    });
  }

  private practitioner(): FhirJson {
    return {
      resourceType: 'Practitioner',
      id: this.fields.practitionerId,
      name: [{ family: 'Okafor', given: ['Chidi'], prefix: ['Dr.'], suffix: ['DDS'] }],
    };
  }

  private location(): FhirJson {
    const f = this.fields;
    return withoutUndefined({
      resourceType: 'Location',
      id: f.locationId,
      extension:
        f.locationTimeZone === undefined
          ? undefined
          : [{ url: TIME_ZONE_EXTENSION_URL, valueCode: f.locationTimeZone }],
      name: f.locationName,
      address: { ...f.locationAddress, line: [...f.locationAddress.line] },
    });
  }

  private organization(): FhirJson {
    return { resourceType: 'Organization', name: this.fields.organizationName };
  }
}

function withoutUndefined(object: FhirJson): FhirJson {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
