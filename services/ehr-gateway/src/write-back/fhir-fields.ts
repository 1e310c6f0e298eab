import { type FhirResource } from '../ehr-fhir/fhir-client.port';

/*
 * Typed reads of FHIR resources as the EHR sent them: a field of the wrong type reads as absent,
 * so a plan decides on what is there instead of throwing on an EHR's odd shape.
 */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function arrayField(resource: FhirResource, field: string): unknown[] {
  const value = resource[field];
  return Array.isArray(value) ? value : [];
}

export function stringField(resource: FhirResource, field: string): string {
  const value = resource[field];
  return typeof value === 'string' ? value : '';
}

export function instantField(resource: FhirResource, field: string): Date | null {
  const value = resource[field];
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

export function sameInstant(a: Date | null, b: Date | null): boolean {
  return a !== null && b !== null && a.getTime() === b.getTime();
}

/** The `reference` of each entry of a Reference array (e.g. an Appointment's `slot`). */
export function referencesOf(resource: FhirResource, field: string): string[] {
  return arrayField(resource, field).flatMap((entry) =>
    isObject(entry) && typeof entry.reference === 'string' ? [entry.reference] : [],
  );
}

/** A participant whose actor is the patient (by reference or by type). */
export function isPatientParticipant(participant: unknown): boolean {
  if (!isObject(participant) || !isObject(participant.actor)) return false;
  const { reference, type } = participant.actor;
  return (
    (typeof reference === 'string' && /^(.*\/)?Patient\//.test(reference)) || type === 'Patient'
  );
}
