import { EhrWebhookErrorCode, invalidFhir } from '../ehr-webhook.errors';

import { isJsonObject, type Located, objectsAt, stringAt } from './fhir-json';

/**
 * The Appointment of a webhook body and the resources it references. Two shapes arrive:
 * a bare Appointment whose participants are `contained` resources referenced as `#id`, or a
 * Bundle holding the Appointment and its participants as entries referenced by fullUrl or
 * `Type/id`. Resolution never fetches anything: a reference outside the body is unresolved.
 */
export class FhirAppointmentDocument {
  private constructor(
    readonly appointment: Located,
    private readonly entries: readonly BundleEntry[],
  ) {}

  static from(body: unknown): FhirAppointmentDocument {
    if (!isJsonObject(body)) {
      throw invalidFhir(
        EhrWebhookErrorCode.NotAnAppointment,
        'Body must be a FHIR resource object',
        '$',
      );
    }
    if (body.resourceType === 'Appointment') {
      return new FhirAppointmentDocument({ value: body, path: 'Appointment' }, []);
    }
    if (body.resourceType === 'Bundle') return FhirAppointmentDocument.fromBundle(body);
    throw invalidFhir(
      EhrWebhookErrorCode.NotAnAppointment,
      'Body must be a FHIR Appointment or a Bundle containing one',
      'resourceType',
    );
  }

  private static fromBundle(bundle: Readonly<Record<string, unknown>>): FhirAppointmentDocument {
    const entries = objectsAt({ value: bundle, path: 'Bundle' }, 'entry').flatMap((entry) => {
      const resource = entry.value.resource;
      if (!isJsonObject(resource)) return [];
      return [
        {
          fullUrl: stringAt(entry.value, 'fullUrl'),
          resource: { value: resource, path: `${entry.path}.resource` },
        },
      ];
    });
    const appointments = entries.filter(
      (entry) => entry.resource.value.resourceType === 'Appointment',
    );
    if (appointments.length === 0) {
      throw invalidFhir(
        EhrWebhookErrorCode.NotAnAppointment,
        'Bundle holds no Appointment entry',
        'Bundle.entry',
      );
    }
    if (appointments.length > 1) {
      throw invalidFhir(
        EhrWebhookErrorCode.MultipleAppointments,
        'Bundle must hold exactly one Appointment; send one webhook per appointment',
        'Bundle.entry',
      );
    }
    return new FhirAppointmentDocument(appointments[0].resource, entries);
  }

  /** True when the body came as a bare Appointment whose participants are contained. */
  isContainedForm(): boolean {
    return this.entries.length === 0;
  }

  /**
   * Resolves a Reference.reference: `#id` against the Appointment's contained resources,
   * otherwise against Bundle entries by exact fullUrl, then by `Type/id` (relative, or the
   * tail of an absolute URL, ignoring a `_history/<n>` suffix).
   */
  resolve(reference: string): Located | undefined {
    if (reference.startsWith('#')) {
      const id = reference.slice(1);
      return objectsAt(this.appointment, 'contained').find((resource) => resource.value.id === id);
    }
    const byFullUrl = this.entries.find((entry) => entry.fullUrl === reference);
    if (byFullUrl) return byFullUrl.resource;
    const typeAndId = parseTypeAndId(reference);
    if (!typeAndId) return undefined;
    return this.entries.find(
      (entry) =>
        entry.resource.value.resourceType === typeAndId.type &&
        entry.resource.value.id === typeAndId.id,
    )?.resource;
  }
}

interface BundleEntry {
  readonly fullUrl: string | undefined;
  readonly resource: Located;
}

const TYPE_AND_ID =
  /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** `Patient/123`, `https://ehr.example/fhir/Patient/123/_history/2` → Patient, 123. */
export function parseTypeAndId(reference: string): { type: string; id: string } | undefined {
  const match = TYPE_AND_ID.exec(reference);
  return match ? { type: match[1], id: match[2] } : undefined;
}
