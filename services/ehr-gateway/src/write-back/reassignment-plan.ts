import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type FhirResource } from '../ehr-fhir/fhir-client.port';

import { arrayField, isObject, stringField } from './fhir-fields';

/** What dispatch asked for, as the job stored it. */
export interface ReassignmentIntent {
  /** The FHIR Practitioner id to put on the appointment. */
  readonly ehrPractitionerId: string | null;
  /**
   * Practitioner ids the appointment may carry without that being a change by staff: the one
   * scheduling last told dispatch of ('' = none) and the targets of our earlier reassignments.
   */
  readonly knownPractitionerIds: readonly string[] | null;
}

export type ReassignmentPlan =
  | { readonly kind: 'update'; readonly appointment: FhirResource }
  | { readonly kind: 'already-applied' }
  | { readonly kind: 'refuse'; readonly reason: WriteBackFailureReason };

const ENDED_STATUSES = new Set(['cancelled', 'entered-in-error', 'noshow', 'fulfilled']);
const PRACTITIONER_REFERENCE = /^(?:.*\/)?Practitioner\/([^/]+)$/;

/**
 * The reassignment decision, pure: given dispatch's request and the appointment as the EHR holds
 * it now, what to write — or why not. A practitioner neither dispatch saw nor we wrote means
 * staff chose it: their choice wins and nothing is written.
 */
export function planReassignment(
  intent: ReassignmentIntent,
  appointment: FhirResource,
): ReassignmentPlan {
  const target = intent.ehrPractitionerId ?? '';
  if (target === '') return refuse(WriteBackFailureReason.REJECTED_BY_EHR);
  if (ENDED_STATUSES.has(stringField(appointment, 'status')))
    return refuse(WriteBackFailureReason.APPOINTMENT_CANCELLED);
  const current = practitionerIdsOf(appointment);
  if (current.length === 1 && current[0] === target) return { kind: 'already-applied' };
  const known = new Set(intent.knownPractitionerIds ?? []);
  const staffChoice = current.some((id) => id !== target && !known.has(id));
  if (staffChoice) return refuse(WriteBackFailureReason.SUPERSEDED_BY_STAFF);
  return { kind: 'update', appointment: withPractitioner(appointment, target) };
}

/** The Practitioner ids of the appointment's practitioner participants, in order. */
export function practitionerIdsOf(appointment: FhirResource): string[] {
  return arrayField(appointment, 'participant').flatMap((participant) => {
    const id = practitionerIdOf(participant);
    return id === undefined ? [] : [id];
  });
}

function practitionerIdOf(participant: unknown): string | undefined {
  if (!isObject(participant) || !isObject(participant.actor)) return undefined;
  const { reference } = participant.actor;
  if (typeof reference !== 'string') return undefined;
  return PRACTITIONER_REFERENCE.exec(reference)?.[1];
}

/**
 * The practitioner participants are replaced by one naming `practitionerId`, where the first
 * stood (its type and `required` kept; the old actor's display would name the wrong person).
 * Patient, location and other participants are left as they are.
 */
function withPractitioner(appointment: FhirResource, practitionerId: string): FhirResource {
  const participants = arrayField(appointment, 'participant');
  const first = participants.findIndex((entry) => practitionerIdOf(entry) !== undefined);
  const template = first >= 0 && isObject(participants[first]) ? participants[first] : {};
  const replacement = {
    ...template,
    actor: { reference: `Practitioner/${practitionerId}` },
    status: 'accepted',
  };
  const others = participants.filter((entry) => practitionerIdOf(entry) === undefined);
  // Nothing before the first practitioner participant is one: the replacement takes its place.
  const at = first >= 0 ? first : others.length;
  return {
    ...appointment,
    participant: [...others.slice(0, at), replacement, ...others.slice(at)],
  };
}

function refuse(reason: WriteBackFailureReason): ReassignmentPlan {
  return { kind: 'refuse', reason };
}
