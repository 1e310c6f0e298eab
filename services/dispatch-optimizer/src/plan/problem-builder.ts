/**
 * Pure translation between dispatch's roster/appointments and the optimizer's `Problem`, and
 * from the optimizer's `Solution` back to a `PlanVersion`. No I/O: the planner loads, calls this,
 * solves, checks and stores.
 */
import { DateTime } from 'luxon';

import type {
  Appointment,
  AvailabilityWindow,
  Clinic,
  Location,
  Problem,
  Provider,
  Solution,
  TimeWindow,
} from '@caredispatch/optimizer';

import type { ClinicBlock, OpeningHours } from '../roster/clinic.model';
import type { RosterProvider, Weekday } from '../roster/roster.model';
import type {
  Coordinates,
  PlanHorizon,
  PlanStop,
  PlanUnservedReason,
  ProviderDayPlan,
  StopAddress,
  UnservedPlanAppointment,
  VisitMode,
} from './plan.model';

/** A booked home visit may start this long before or after its booked time (the arrival window). */
export const HOME_VISIT_WINDOW_SECONDS = 60 * 60;

export interface RuleInput {
  readonly typeCode: string;
  readonly requiredCredentials: readonly string[];
  readonly visitMode: VisitMode;
  readonly defaultDurationMinutes: number;
  readonly priority: number;
}

export interface ClinicInput {
  readonly clinicId: string;
  readonly name: string;
  readonly address: string;
  readonly coordinates: Coordinates;
  readonly locationIds: readonly string[];
  readonly openingHours: readonly OpeningHours[];
  readonly blocks: readonly ClinicBlock[];
}

export interface AppointmentInput {
  readonly appointmentId: string;
  readonly startAt: Date;
  readonly endAt: Date;
  readonly typeCode: string;
  readonly patientDisplayName: string;
  /** scheduling's location uuid. */
  readonly locationId: string;
  /** The EHR's location id; '' when scheduling sent none. */
  readonly ehrLocationId: string;
  readonly addressLine: string;
  readonly coordinates: Coordinates | null;
  readonly geocodeStatus: 'pending' | 'resolved' | 'unresolvable' | 'not-needed';
}

/** Everything about an appointment the plan shows but the optimizer does not need. */
export interface AppointmentMeta {
  readonly patientDisplayName: string;
  readonly visitType: string;
  readonly visitMode: VisitMode;
  readonly clinicId: string | null;
  readonly address: StopAddress;
  readonly requestedStart: string;
}

/** Stored with every plan version (the inputs snapshot): what a re-plan starts from. */
export interface PlanInputs {
  readonly problem: Problem;
  readonly solution: Solution;
  readonly origin: string;
  readonly horizon: PlanHorizon;
  readonly appointments: Readonly<Record<string, AppointmentMeta>>;
  /** Unserved before the optimizer ran (unknown type, not geocoded, unknown clinic). */
  readonly preUnserved: readonly UnservedPlanAppointment[];
  readonly locationAddresses: readonly StopAddress[];
  readonly clinics: Readonly<Record<string, { name: string }>>;
  /** Per day, the block windows in problem seconds (for clinic sessions). */
  readonly blocks: readonly { name: string; start: number; end: number }[];
  readonly timeZone: string;
}

export interface BuildInput {
  readonly horizon: PlanHorizon;
  readonly providers: readonly RosterProvider[];
  readonly rules: readonly RuleInput[];
  readonly clinics: readonly ClinicInput[];
  readonly appointments: readonly AppointmentInput[];
}

export interface BuiltProblem {
  /** Without `travel`: the caller adds the matrix for `points`. */
  readonly problem: Omit<Problem, 'travel'>;
  readonly points: Coordinates[];
  /** Per horizon day, the location indices that can be consecutive stops that day. */
  readonly dayGroups: number[][];
  readonly inputs: Omit<PlanInputs, 'problem' | 'solution'>;
}

const LUXON_WEEKDAY: Record<number, Weekday> = {
  1: 'mon',
  2: 'tue',
  3: 'wed',
  4: 'thu',
  5: 'fri',
  6: 'sat',
  7: 'sun',
};

/**
 * Time-zone arithmetic through luxon costs tens of microseconds a call, and a week's problem
 * asks the same few (day, time, zone) questions thousands of times (every provider's shifts,
 * every clinic's hours and blocks): the answers are pure, so they are remembered. Bounded so
 * a long-running service never grows them without limit.
 */
const MEMO_LIMIT = 20_000;
const weekdays = new Map<string, Weekday>();
const instants = new Map<string, number>();

function remember<T>(memo: Map<string, T>, key: string, compute: () => T): T {
  const known = memo.get(key);
  if (known !== undefined) return known;
  const value = compute();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

export function weekdayOf(day: string, timeZone: string): Weekday {
  return remember(
    weekdays,
    `${timeZone} ${day}`,
    () => LUXON_WEEKDAY[DateTime.fromISO(day, { zone: timeZone }).weekday],
  );
}

/** Local `HH:MM` on a practice day as a UTC instant. */
export function localInstant(day: string, time: string, timeZone: string): Date {
  // A fresh Date each call: callers may hold on to it.
  return new Date(
    remember(instants, `${timeZone} ${day}T${time}`, () =>
      DateTime.fromISO(`${day}T${time}`, { zone: timeZone }).toMillis(),
    ),
  );
}

export function localDay(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate() ?? '';
}

/** Horizon over `days` (ascending practice dates): from the first midnight to the midnight after the last. */
export function horizonOf(days: readonly string[], timeZone: string): PlanHorizon {
  const first = DateTime.fromISO(days[0], { zone: timeZone });
  const last = DateTime.fromISO(days[days.length - 1], { zone: timeZone }).plus({ days: 1 });
  return {
    from: first.toUTC().toISO() ?? '',
    until: last.toUTC().toISO() ?? '',
    timeZone,
    days: [...days],
  };
}

export function buildProblem(input: BuildInput): BuiltProblem {
  const { horizon } = input;
  const origin = new Date(horizon.from);
  const toSeconds = (instant: Date): number =>
    Math.round((instant.getTime() - origin.getTime()) / 1000);
  const tz = horizon.timeZone;

  const locations: Location[] = [];
  const points: Coordinates[] = [];
  const addresses: StopAddress[] = [];
  const addLocation = (id: string, coordinates: Coordinates, line: string): number => {
    locations.push({ id, coordinates });
    points.push(coordinates);
    addresses.push({ line, coordinates });
    return locations.length - 1;
  };

  const baseIndex = new Map<string, number>();
  for (const provider of input.providers) {
    baseIndex.set(
      provider.providerId,
      addLocation(
        `base:${provider.providerId}`,
        provider.homeBase.coordinates,
        provider.homeBase.address,
      ),
    );
  }
  const clinicIndex = new Map<string, number>();
  const clinicByLocation = new Map<string, ClinicInput>();
  for (const clinic of input.clinics) {
    clinicIndex.set(
      clinic.clinicId,
      addLocation(`clinic:${clinic.clinicId}`, clinic.coordinates, clinic.address),
    );
    for (const locationId of clinic.locationIds) clinicByLocation.set(locationId, clinic);
  }

  const providers: Provider[] = input.providers.map((provider) => ({
    id: provider.providerId,
    credentials: [...provider.credentials],
    startLocation: baseIndex.get(provider.providerId) ?? 0,
    endLocation: baseIndex.get(provider.providerId) ?? 0,
    availability: availabilityOf(provider, horizon, toSeconds),
    maxWorkingSeconds: Math.round(provider.maxHoursPerDay * 3600),
  }));

  const clinics: Clinic[] = input.clinics.map((clinic) => ({
    id: clinic.clinicId,
    location: clinicIndex.get(clinic.clinicId) ?? 0,
    openingHours: horizon.days.flatMap((day) =>
      clinic.openingHours
        .filter((hours) => hours.days.includes(weekdayOf(day, tz)))
        .map((hours) => ({
          start: toSeconds(localInstant(day, hours.from, tz)),
          end: toSeconds(localInstant(day, hours.until, tz)),
        })),
    ),
  }));

  const blocks = uniqueBlocks(
    horizon.days.flatMap((day) =>
      input.clinics.flatMap((clinic) =>
        clinic.blocks.map((block) => ({
          name: block.name,
          start: toSeconds(localInstant(day, block.from, tz)),
          end: toSeconds(localInstant(day, block.until, tz)),
        })),
      ),
    ),
  );

  const rules = new Map(input.rules.map((rule) => [rule.typeCode, rule]));
  const appointments: Appointment[] = [];
  const meta: Record<string, AppointmentMeta> = {};
  const preUnserved: UnservedPlanAppointment[] = [];
  const dayGroups = horizon.days.map(
    () => new Set<number>([...baseIndex.values(), ...clinicIndex.values()]),
  );

  for (const appointment of input.appointments) {
    const rule = rules.get(appointment.typeCode);
    const visitMode: VisitMode = rule?.visitMode ?? 'home';
    const clinic = visitMode === 'clinic' ? clinicOf(clinicByLocation, appointment) : undefined;
    const unserved = (reason: PlanUnservedReason): void => {
      preUnserved.push({
        appointmentId: appointment.appointmentId,
        patientDisplayName: appointment.patientDisplayName,
        visitType: appointment.typeCode,
        visitMode,
        requestedStart: appointment.startAt.toISOString(),
        reason,
        previousProviderId: null,
      });
    };
    if (!rule) {
      unserved('UNKNOWN_APPOINTMENT_TYPE');
      continue;
    }
    if (visitMode === 'clinic' && !clinic) {
      unserved('UNKNOWN_CLINIC');
      continue;
    }
    if (visitMode === 'home' && appointment.coordinates === null) {
      unserved('ADDRESS_NOT_GEOCODED');
      continue;
    }
    const location = clinic
      ? (clinicIndex.get(clinic.clinicId) ?? 0)
      : addLocation(
          `appointment:${appointment.appointmentId}`,
          appointment.coordinates as Coordinates,
          appointment.addressLine,
        );
    const start = toSeconds(appointment.startAt);
    const bookedSeconds = toSeconds(appointment.endAt) - start;
    const durationSeconds = bookedSeconds > 0 ? bookedSeconds : rule.defaultDurationMinutes * 60;
    const eligibleAtClinic = clinic
      ? input.providers
          .filter((p) => p.clinicIds.includes(clinic.clinicId))
          .map((p) => p.providerId)
      : null;
    appointments.push({
      id: appointment.appointmentId,
      location,
      durationSeconds,
      ...(clinic
        ? { fixedStart: start, clinicId: clinic.clinicId }
        : {
            timeWindows: [
              {
                start: Math.max(0, start - HOME_VISIT_WINDOW_SECONDS),
                end: start + HOME_VISIT_WINDOW_SECONDS,
              },
            ],
          }),
      requiredCredentials: [...rule.requiredCredentials],
      priority: rule.priority,
      ...(eligibleAtClinic ? { requiredProviders: eligibleAtClinic } : {}),
    });
    const dayIndex = horizon.days.indexOf(localDay(appointment.startAt, tz));
    if (dayIndex >= 0) dayGroups[dayIndex].add(location);
    meta[appointment.appointmentId] = {
      patientDisplayName: appointment.patientDisplayName,
      visitType: appointment.typeCode,
      visitMode,
      clinicId: clinic?.clinicId ?? null,
      address: clinic
        ? { line: clinic.address, coordinates: clinic.coordinates }
        : { line: appointment.addressLine, coordinates: appointment.coordinates as Coordinates },
      requestedStart: appointment.startAt.toISOString(),
    };
  }

  return {
    problem: {
      locations,
      providers,
      appointments,
      clinics,
      clinicBlocks: blocks.map(({ start, end }) => ({ start, end })),
    },
    points,
    dayGroups: dayGroups.map((group) => [...group]),
    inputs: {
      origin: horizon.from,
      horizon,
      appointments: meta,
      preUnserved,
      locationAddresses: addresses,
      clinics: Object.fromEntries(
        input.clinics.map((clinic) => [clinic.clinicId, { name: clinic.name }]),
      ),
      blocks,
      timeZone: tz,
    },
  };
}

/** Weekly availability on the horizon's days, minus `unavailable` exceptions, plus `available` ones. */
/**
 * The clinic an appointment is held at. Coordinators configure clinics by the EHR's location ids
 * (scheduling's own uuids are unknown to them), so the EHR's id decides; scheduling's id still
 * matches for clinics configured with it and for events that carry no EHR id.
 */
export function clinicOf(
  clinicByLocation: ReadonlyMap<string, ClinicInput>,
  appointment: Pick<AppointmentInput, 'locationId' | 'ehrLocationId'>,
): ClinicInput | undefined {
  const byEhr =
    appointment.ehrLocationId === '' ? undefined : clinicByLocation.get(appointment.ehrLocationId);
  return byEhr ?? clinicByLocation.get(appointment.locationId);
}

function availabilityOf(
  provider: RosterProvider,
  horizon: PlanHorizon,
  toSeconds: (instant: Date) => number,
): AvailabilityWindow[] {
  const tz = horizon.timeZone;
  let windows: TimeWindow[] = horizon.days.flatMap((day) =>
    provider.weeklyAvailability
      .filter((slot) => slot.day === weekdayOf(day, tz))
      .map((slot) => ({
        start: toSeconds(localInstant(day, slot.from, tz)),
        end: toSeconds(localInstant(day, slot.until, tz)),
      })),
  );
  const horizonEnd = toSeconds(new Date(horizon.until));
  for (const exception of provider.availabilityExceptions) {
    const from = toSeconds(new Date(exception.from));
    const until = toSeconds(new Date(exception.until));
    if (until <= 0 || from >= horizonEnd) continue;
    if (exception.kind === 'available')
      windows.push({ start: Math.max(0, from), end: Math.min(horizonEnd, until) });
    else windows = windows.flatMap((window) => subtract(window, from, until));
  }
  return windows
    .filter((window) => window.end > window.start)
    .sort((a, b) => a.start - b.start)
    .map((window) => ({ start: window.start, end: window.end }));
}

function subtract(window: TimeWindow, from: number, until: number): TimeWindow[] {
  if (until <= window.start || from >= window.end) return [window];
  const parts: TimeWindow[] = [];
  if (from > window.start) parts.push({ start: window.start, end: from });
  if (until < window.end) parts.push({ start: until, end: window.end });
  return parts;
}

function uniqueBlocks(
  blocks: { name: string; start: number; end: number }[],
): { name: string; start: number; end: number }[] {
  const seen = new Map<string, { name: string; start: number; end: number }>();
  for (const block of blocks) seen.set(`${block.start}-${block.end}`, block);
  return [...seen.values()].sort((a, b) => a.start - b.start);
}

/** The optimizer's answer as a plan's provider-days and unserved list. */
export function toProviderDays(
  inputs: Pick<
    PlanInputs,
    'origin' | 'appointments' | 'locationAddresses' | 'clinics' | 'blocks' | 'timeZone'
  >,
  problem: Pick<Problem, 'providers'>,
  solution: Solution,
  frozenAppointmentIds: ReadonlySet<string> = new Set(),
): ProviderDayPlan[] {
  const baseOf = new Map(
    problem.providers.map((provider) => [provider.id, provider.startLocation]),
  );
  const origin = new Date(inputs.origin).getTime();
  const iso = (seconds: number): string =>
    new Date(origin + Math.round(seconds) * 1000).toISOString();
  const days: ProviderDayPlan[] = solution.itineraries.map((itinerary) => {
    const stops: PlanStop[] = itinerary.stops.map((stop) => {
      const meta = inputs.appointments[stop.appointmentId];
      return {
        appointmentId: stop.appointmentId,
        patientDisplayName: meta.patientDisplayName,
        address: meta.address,
        visitType: meta.visitType,
        visitMode: meta.visitMode,
        clinicId: meta.clinicId,
        arrival: iso(stop.arrival),
        start: iso(stop.start),
        end: iso(stop.end),
        travelSecondsFromPrevious: Math.round(stop.travelSecondsFromPrevious),
        travelMetersFromPrevious: Math.round(stop.travelMetersFromPrevious),
        frozen: frozenAppointmentIds.has(stop.appointmentId),
      };
    });
    const base = baseOf.get(itinerary.providerId);
    // Every provider has a base; the blank address only guards a corrupt snapshot.
    const startAddress = base === undefined ? undefined : inputs.locationAddresses.at(base);
    return {
      providerId: itinerary.providerId,
      day: localDay(new Date(origin + itinerary.departure * 1000), inputs.timeZone),
      departure: iso(itinerary.departure),
      returnArrival: iso(itinerary.returnArrival),
      startAddress: startAddress ?? { line: '', coordinates: { lat: 0, lon: 0 } },
      endAddress: startAddress ?? { line: '', coordinates: { lat: 0, lon: 0 } },
      stops,
      travelSecondsToEnd: Math.round(itinerary.travelSecondsToEnd),
      clinicSessions: clinicSessionsOf(inputs, itinerary.stops, iso),
      totals: {
        visits: itinerary.totals.visits,
        driveSeconds: Math.round(itinerary.totals.travelSeconds),
        driveMeters: Math.round(itinerary.totals.travelMeters),
        workingSeconds: Math.round(itinerary.totals.workingSeconds),
        overtimeSeconds: Math.round(itinerary.totals.overtimeSeconds),
      },
    };
  });
  return days.sort((a, b) => (a.providerId + a.day < b.providerId + b.day ? -1 : 1));
}

function clinicSessionsOf(
  inputs: Pick<PlanInputs, 'appointments' | 'clinics' | 'blocks'>,
  stops: Solution['itineraries'][number]['stops'],
  iso: (seconds: number) => string,
): ProviderDayPlan['clinicSessions'] {
  const sessions: {
    clinicId: string;
    clinicName: string;
    block: string;
    start: string;
    end: string;
    appointmentIds: string[];
  }[] = [];
  for (const stop of stops) {
    const clinicId = inputs.appointments[stop.appointmentId].clinicId;
    if (clinicId === null) continue;
    const block = inputs.blocks.find(
      (candidate) => stop.start >= candidate.start && stop.start < candidate.end,
    );
    const blockName = block?.name ?? 'day';
    const last = sessions.at(-1);
    if (last && last.clinicId === clinicId && last.block === blockName) {
      last.appointmentIds.push(stop.appointmentId);
      continue;
    }
    sessions.push({
      clinicId,
      clinicName: clinicNameOf(inputs, clinicId),
      block: blockName,
      start: iso(block?.start ?? stop.start),
      end: iso(block?.end ?? stop.end),
      appointmentIds: [stop.appointmentId],
    });
  }
  return sessions;
}

/** Stored snapshots are records keyed by id: a missing key is possible for an id from elsewhere. */
export function appointmentMeta(
  inputs: Pick<PlanInputs, 'appointments'>,
  appointmentId: string,
): AppointmentMeta | undefined {
  return Object.hasOwn(inputs.appointments, appointmentId)
    ? inputs.appointments[appointmentId]
    : undefined;
}

function clinicNameOf(inputs: Pick<PlanInputs, 'clinics'>, clinicId: string): string {
  return Object.hasOwn(inputs.clinics, clinicId) ? inputs.clinics[clinicId].name : clinicId;
}
