import { type FhirResource } from '../ehr-fhir/fhir-client.port';

interface Coding {
  system: string;
  code: string;
}

interface ContactPoint {
  system: string;
  value: string;
  use: string;
}

interface AvailableTime {
  daysOfWeek: string[];
  allDay: boolean;
  availableStartTime: string;
  availableEndTime: string;
}

/** `EhrPractitionerRole` of ehr.roster.v1, every field set. */
export interface RosterRole {
  roleId: string;
  active: boolean;
  ehrLocationIds: string[];
  codes: Coding[];
  specialties: Coding[];
  availableTimes: AvailableTime[];
  telecom: ContactPoint[];
}

/** `EhrPractitioner` of ehr.roster.v1, every field set. */
export interface RosterPractitioner {
  practitionerId: string;
  active: boolean;
  displayName: string;
  qualifications: Coding[];
  telecom: ContactPoint[];
  roles: RosterRole[];
}

const FHIR_DAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
/** FHIR `time` (hh:mm:ss) → HH:MM; anything else is dropped. */
const FHIR_TIME = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d+)?)?$/;
const MAX_TEXT = 200;

export interface PractitionerRoster {
  readonly practitioners: RosterPractitioner[];
  /** Roles naming a practitioner the Practitioner search did not return. */
  readonly orphanRoles: number;
}

/**
 * FHIR R4 Practitioner + PractitionerRole resources → the `ehr.roster.v1` practitioners: ids,
 * name, qualification / role / specialty codings, locations, weekly hours and work contact
 * points. Untrusted JSON: every field is read defensively and what does not fit is left out.
 */
export function practitionerRoster(
  practitioners: readonly FhirResource[],
  roles: readonly FhirResource[],
): PractitionerRoster {
  const rolesByPractitioner = new Map<string, RosterRole[]>();
  const known = new Set(practitioners.map((practitioner) => practitioner.id));
  let orphanRoles = 0;
  for (const role of roles) {
    const practitionerId = referencedId(role.practitioner, 'Practitioner');
    if (practitionerId === undefined || !known.has(practitionerId)) {
      orphanRoles += 1;
      continue;
    }
    const list = rolesByPractitioner.get(practitionerId) ?? [];
    list.push(roleOf(role));
    rolesByPractitioner.set(practitionerId, list);
  }
  const seen = new Set<string>();
  const result: RosterPractitioner[] = [];
  for (const practitioner of practitioners) {
    if (seen.has(practitioner.id)) continue;
    seen.add(practitioner.id);
    result.push({
      practitionerId: practitioner.id,
      active: practitioner.active !== false,
      displayName: displayNameOf(practitioner.name),
      qualifications: arrayOf(practitioner.qualification).flatMap((qualification) =>
        isObject(qualification) ? codingsOf(qualification.code) : [],
      ),
      telecom: contactPointsOf(practitioner.telecom),
      roles: (rolesByPractitioner.get(practitioner.id) ?? []).sort((a, b) =>
        a.roleId < b.roleId ? -1 : 1,
      ),
    });
  }
  result.sort((a, b) => (a.practitionerId < b.practitionerId ? -1 : 1));
  return { practitioners: result, orphanRoles };
}

function roleOf(role: FhirResource): RosterRole {
  return {
    roleId: role.id,
    active: role.active !== false,
    ehrLocationIds: arrayOf(role.location).flatMap((location) => {
      const id = referencedId(location, 'Location');
      return id === undefined ? [] : [id];
    }),
    codes: arrayOf(role.code).flatMap(codingsOf),
    specialties: arrayOf(role.specialty).flatMap(codingsOf),
    availableTimes: arrayOf(role.availableTime).flatMap((time): AvailableTime[] => {
      if (!isObject(time)) return [];
      const days = arrayOf(time.daysOfWeek).filter(
        (day): day is string => typeof day === 'string' && FHIR_DAYS.has(day),
      );
      const allDay = time.allDay === true;
      const start = hhmm(time.availableStartTime);
      const end = hhmm(time.availableEndTime);
      if (days.length === 0 || (!allDay && (start === undefined || end === undefined))) return [];
      return [
        {
          daysOfWeek: days,
          allDay,
          availableStartTime: allDay ? '' : (start ?? ''),
          availableEndTime: allDay ? '' : (end ?? ''),
        },
      ];
    }),
    telecom: contactPointsOf(role.telecom),
  };
}

function displayNameOf(names: unknown): string {
  const all = arrayOf(names).filter(isObject);
  const name = all.find((candidate) => candidate.use === 'official') ?? all.at(0);
  if (name === undefined) return '';
  if (typeof name.text === 'string' && name.text.trim() !== '') return clip(name.text);
  const parts = [
    ...arrayOf(name.prefix),
    ...arrayOf(name.given),
    ...(typeof name.family === 'string' ? [name.family] : []),
  ].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  return clip(parts.map((part) => part.trim()).join(' '));
}

function codingsOf(concept: unknown): Coding[] {
  if (!isObject(concept)) return [];
  return arrayOf(concept.coding).flatMap((coding) =>
    isObject(coding) && typeof coding.code === 'string' && coding.code.trim() !== ''
      ? [
          {
            system: typeof coding.system === 'string' ? clip(coding.system) : '',
            code: clip(coding.code.trim()),
          },
        ]
      : [],
  );
}

function contactPointsOf(telecom: unknown): ContactPoint[] {
  return arrayOf(telecom).flatMap((point) =>
    isObject(point) &&
    typeof point.system === 'string' &&
    typeof point.value === 'string' &&
    point.value.trim() !== ''
      ? [
          {
            system: point.system,
            value: clip(point.value.trim()),
            use: typeof point.use === 'string' ? point.use : '',
          },
        ]
      : [],
  );
}

function referencedId(reference: unknown, type: string): string | undefined {
  if (!isObject(reference) || typeof reference.reference !== 'string') return undefined;
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9.-]{1,64})(?:/_history/.*)?$`).exec(
    reference.reference,
  );
  return match?.[1];
}

function hhmm(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = FHIR_TIME.exec(value);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

function clip(value: string): string {
  return value.slice(0, MAX_TEXT);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
