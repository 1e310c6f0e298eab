import { isDeepStrictEqual } from 'node:util';

import { IMPORT_OWNED_FIELDS } from './ehr-roster-import.model';

import type { Coordinates } from '../plan/plan.model';
import type {
  ItineraryChannel,
  RosterProvider,
  Weekday,
  WeeklyAvailability,
} from '../roster/roster.model';
import type {
  ImportedFields,
  QualificationMapping,
  RosterImportMapping,
  RosterImportWarning,
} from './ehr-roster-import.model';

/** One EHR practitioner as `ehr.roster.v1` carries it (the decoded protobuf, structurally). */
export interface EhrRosterPractitioner {
  readonly practitionerId: string;
  readonly active: boolean;
  readonly displayName: string;
  readonly qualifications: readonly EhrCodingLike[];
  readonly telecom: readonly EhrContactPointLike[];
  readonly roles: readonly {
    readonly active: boolean;
    readonly ehrLocationIds: readonly string[];
    readonly codes: readonly EhrCodingLike[];
    readonly specialties: readonly EhrCodingLike[];
    readonly availableTimes: readonly {
      readonly daysOfWeek: readonly string[];
      readonly allDay: boolean;
      readonly availableStartTime: string;
      readonly availableEndTime: string;
    }[];
    readonly telecom: readonly EhrContactPointLike[];
  }[];
}

interface EhrCodingLike {
  readonly system: string;
  readonly code: string;
}

interface EhrContactPointLike {
  readonly system: string;
  readonly value: string;
  readonly use: string;
}

/** A rostered provider with its link to the EHR. */
export type LinkedProvider = RosterProvider & {
  readonly ehrPractitionerId: string | null;
  readonly ehrImport: ImportedFields | null;
};

export interface ImportClinic {
  readonly clinicId: string;
  readonly address: string;
  readonly coordinates: Coordinates;
  readonly locationIds: readonly string[];
}

export interface RosterImportInput {
  readonly tenantId: string;
  readonly practitioners: readonly EhrRosterPractitioner[];
  readonly existing: readonly LinkedProvider[];
  readonly clinics: readonly ImportClinic[];
  readonly mapping: RosterImportMapping;
  /** The practice's zone: new providers' quiet times are read in it. */
  readonly timeZone: string;
}

export interface RosterImportPlan {
  /** Providers to write (new or changed), each with its EHR link and import record. */
  readonly upserts: LinkedProvider[];
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly warnings: RosterImportWarning[];
}

const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const WEEKDAY_ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MAX_AVAILABILITY = 21;
const MAX_DISPLAY_NAME = 120;

/**
 * The EHR's practitioners → roster changes. Pure: the consumer loads, calls and stores.
 *
 * - A practitioner is the provider linked to its id, else the provider whose own id is the
 *   practitioner id (linked from now on), else a new provider with that id.
 * - Qualifications (Practitioner.qualification.code, PractitionerRole.code/specialty) become
 *   credentials through the tenant's mapping; locations of active roles become the clinics
 *   whose EHR location ids name them; role availableTime becomes weekly availability.
 * - Field ownership: the import writes a field of an existing provider only while the
 *   provider still holds what the import wrote there last time; a field staff set or changed
 *   is kept (and reported when the EHR says otherwise). Home base, limits, exceptions and
 *   delivery preferences of existing providers are never touched.
 * - A new provider needs a credential, a clinic (its home base until staff set one) and an
 *   itinerary channel (mobile phone → SMS, else email); without them it is not created and
 *   the warning says which is missing. Inactive practitioners are not created.
 */
export function planEhrRosterImport(input: RosterImportInput): RosterImportPlan {
  const warnings: RosterImportWarning[] = [];
  const byLink = new Map<string, LinkedProvider>();
  const byId = new Map<string, LinkedProvider>();
  for (const provider of input.existing) {
    if (provider.ehrPractitionerId !== null) byLink.set(provider.ehrPractitionerId, provider);
    byId.set(provider.providerId, provider);
  }
  const clinicsByLocation = new Map<string, ImportClinic[]>();
  for (const clinic of input.clinics)
    for (const locationId of clinic.locationIds) {
      const list = clinicsByLocation.get(locationId) ?? [];
      list.push(clinic);
      clinicsByLocation.set(locationId, list);
    }

  const plan: RosterImportPlan = {
    upserts: [],
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    warnings,
  };
  const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0 };
  for (const practitioner of input.practitioners) {
    const id = practitioner.practitionerId;
    const credentials = credentialsOf(practitioner, input.mapping.qualifications, warnings);
    const clinics = clinicsOf(practitioner, clinicsByLocation, warnings);
    const fromEhr: ImportedFields = {
      displayName: displayNameOf(practitioner),
      ...(credentials.length > 0 ? { credentials } : {}),
      clinicIds: clinics.map((clinic) => clinic.clinicId),
      ...availabilityOf(practitioner),
      active: practitioner.active,
    };
    const linked =
      byLink.get(id) ?? (byId.get(id)?.ehrPractitionerId === null ? byId.get(id) : undefined);
    if (linked) {
      const result = mergeInto(linked, id, fromEhr, warnings);
      if (result === undefined) counts.unchanged += 1;
      else {
        plan.upserts.push(result);
        counts.updated += 1;
      }
      continue;
    }
    if (byId.has(id)) {
      // The id belongs to a provider linked to another practitioner.
      warnings.push({ code: 'ID_TAKEN', practitionerId: id });
      counts.skipped += 1;
      continue;
    }
    const created = createFrom(input, practitioner, fromEhr, clinics, warnings);
    if (created === undefined) counts.skipped += 1;
    else {
      plan.upserts.push(created);
      counts.created += 1;
    }
  }
  return { ...plan, ...counts };
}

/**
 * Applies the EHR's values to an existing provider under the ownership rule; undefined when
 * nothing changes (neither a field nor the link nor the import record).
 */
function mergeInto(
  provider: LinkedProvider,
  practitionerId: string,
  fromEhr: ImportedFields,
  warnings: RosterImportWarning[],
): LinkedProvider | undefined {
  const previous = provider.ehrImport ?? {};
  const record: Record<string, unknown> = {};
  const changes: Record<string, unknown> = {};
  for (const field of IMPORT_OWNED_FIELDS) {
    const incoming = fromEhr[field];
    const current = provider[field];
    const recorded = previous[field];
    if (incoming === undefined) {
      // The EHR says nothing about it this time: ownership stays as it was.
      if (recorded !== undefined) record[field] = recorded;
      continue;
    }
    const ownedByImport = recorded !== undefined && isDeepStrictEqual(recorded, current);
    if (ownedByImport) {
      record[field] = incoming;
      if (!isDeepStrictEqual(current, incoming)) changes[field] = incoming;
    } else if (!isDeepStrictEqual(current, incoming)) {
      warnings.push({
        code: 'KEPT_STAFF_EDIT',
        practitionerId,
        providerId: provider.providerId,
        field,
      });
    }
  }
  const ehrImport = record as ImportedFields;
  if (
    Object.keys(changes).length === 0 &&
    provider.ehrPractitionerId === practitionerId &&
    isDeepStrictEqual(provider.ehrImport ?? {}, ehrImport)
  )
    return undefined;
  return {
    ...provider,
    ...changes,
    ehrPractitionerId: practitionerId,
    ehrImport,
  };
}

function createFrom(
  input: RosterImportInput,
  practitioner: EhrRosterPractitioner,
  fromEhr: ImportedFields,
  clinics: readonly ImportClinic[],
  warnings: RosterImportWarning[],
): LinkedProvider | undefined {
  const practitionerId = practitioner.practitionerId;
  if (!practitioner.active) return undefined;
  const missing: RosterImportWarning[] = [];
  if (!PROVIDER_ID.test(practitionerId)) missing.push({ code: 'INVALID_ID', practitionerId });
  if (fromEhr.credentials === undefined) missing.push({ code: 'NO_CREDENTIAL', practitionerId });
  const home = clinics.at(0);
  if (home === undefined) missing.push({ code: 'NO_CLINIC', practitionerId });
  const channel = channelOf(practitioner);
  if (channel === undefined) missing.push({ code: 'NO_CHANNEL', practitionerId });
  if (missing.length > 0 || home === undefined || channel === undefined) {
    warnings.push(...missing);
    return undefined;
  }
  const weeklyAvailability = fromEhr.weeklyAvailability ?? input.mapping.defaultWeeklyAvailability;
  const owned: ImportedFields = { ...fromEhr, weeklyAvailability };
  return {
    tenantId: input.tenantId,
    providerId: practitionerId,
    displayName: owned.displayName ?? practitionerId,
    credentials: owned.credentials ?? [],
    homeBase: { address: home.address, coordinates: home.coordinates },
    clinicIds: owned.clinicIds ?? [],
    weeklyAvailability,
    availabilityExceptions: [],
    maxHoursPerDay: input.mapping.maxHoursPerDay,
    maxHoursPerWeek: input.mapping.maxHoursPerWeek,
    delivery: { channel, quietTimes: [], timeZone: input.timeZone },
    active: true,
    ehrPractitionerId: practitionerId,
    ehrImport: owned,
  };
}

function credentialsOf(
  practitioner: EhrRosterPractitioner,
  mappings: readonly QualificationMapping[],
  warnings: RosterImportWarning[],
): string[] {
  const codings = [
    ...practitioner.qualifications,
    ...practitioner.roles
      .filter((role) => role.active)
      .flatMap((role) => [...role.codes, ...role.specialties]),
  ];
  const credentials = new Set<string>();
  const reported = new Set<string>();
  for (const coding of codings) {
    const matches = mappings.filter(
      (mapping) =>
        mapping.code === coding.code && (mapping.system === '' || mapping.system === coding.system),
    );
    for (const match of matches)
      for (const credential of match.credentials) credentials.add(credential);
    const key = `${coding.system}|${coding.code}`;
    if (matches.length === 0 && !reported.has(key)) {
      reported.add(key);
      warnings.push({
        code: 'UNMAPPED_QUALIFICATION',
        practitionerId: practitioner.practitionerId,
        system: coding.system,
        qualification: coding.code,
      });
    }
  }
  return [...credentials].sort();
}

function clinicsOf(
  practitioner: EhrRosterPractitioner,
  clinicsByLocation: ReadonlyMap<string, readonly ImportClinic[]>,
  warnings: RosterImportWarning[],
): ImportClinic[] {
  const found = new Map<string, ImportClinic>();
  const reported = new Set<string>();
  for (const role of practitioner.roles.filter((candidate) => candidate.active))
    for (const locationId of role.ehrLocationIds) {
      const clinics = clinicsByLocation.get(locationId);
      if (clinics === undefined) {
        if (!reported.has(locationId)) {
          reported.add(locationId);
          warnings.push({
            code: 'UNMAPPED_LOCATION',
            practitionerId: practitioner.practitionerId,
            locationId,
          });
        }
        continue;
      }
      for (const clinic of clinics)
        if (!found.has(clinic.clinicId)) found.set(clinic.clinicId, clinic);
    }
  return [...found.values()].sort((a, b) => (a.clinicId < b.clinicId ? -1 : 1));
}

/** Role hours → weekly availability; absent when no active role states hours. */
function availabilityOf(
  practitioner: EhrRosterPractitioner,
): { weeklyAvailability: WeeklyAvailability[] } | Record<string, never> {
  const spans = new Map<string, WeeklyAvailability>();
  for (const role of practitioner.roles.filter((candidate) => candidate.active))
    for (const time of role.availableTimes) {
      const from = time.allDay ? '00:00' : time.availableStartTime;
      const until = time.allDay ? '23:59' : time.availableEndTime;
      if (!(from < until)) continue;
      for (const day of time.daysOfWeek) {
        if (!(WEEKDAY_ORDER as readonly string[]).includes(day)) continue;
        spans.set(`${day} ${from} ${until}`, { day: day as Weekday, from, until });
      }
    }
  if (spans.size === 0) return {};
  const weeklyAvailability = [...spans.values()]
    .sort(
      (a, b) =>
        WEEKDAY_ORDER.indexOf(a.day) - WEEKDAY_ORDER.indexOf(b.day) ||
        (a.from < b.from ? -1 : a.from > b.from ? 1 : 0),
    )
    .slice(0, MAX_AVAILABILITY);
  return { weeklyAvailability };
}

function displayNameOf(practitioner: EhrRosterPractitioner): string {
  const name = practitioner.displayName.trim();
  return (name === '' ? practitioner.practitionerId : name).slice(0, MAX_DISPLAY_NAME);
}

/** The practitioner's own contact points first, then their roles'. */
function channelOf(practitioner: EhrRosterPractitioner): ItineraryChannel | undefined {
  const points = [
    ...practitioner.telecom,
    ...practitioner.roles.filter((role) => role.active).flatMap((role) => role.telecom),
  ];
  for (const point of points) {
    if (point.system === 'sms' || (point.system === 'phone' && point.use === 'mobile')) {
      const phone = point.value.replace(/[\s().-]/g, '');
      if (E164.test(phone)) return { kind: 'sms', phoneE164: phone };
    }
  }
  for (const point of points)
    if (point.system === 'email' && EMAIL.test(point.value))
      return { kind: 'email', email: point.value };
  return undefined;
}
