import { DateTime } from 'luxon';

/**
 * Who is offered a freed slot first. A pure function: the service loads the tenant's open
 * entries and the slot, calls `rankCandidates`, and stores the explanation with each offer so
 * staff can answer "why this patient?".
 *
 * Order: eligible entries only, then
 *   1. urgency (urgent before soon before routine): clinical need is never outweighed by
 *      waiting time or convenience;
 *   2. score = days waited (capped) + preference fit − distance (home visits) − past declines;
 *   3. ties: waiting longest first, then entry id, so the same input always ranks the same.
 */

export type Urgency = 'routine' | 'soon' | 'urgent';

const URGENCY_TIER: Readonly<Record<Urgency, number>> = { urgent: 3, soon: 2, routine: 1 };

/** Local wall-clock window in the slot's time zone, `HH:mm`–`HH:mm`, end exclusive. */
export interface TimeOfDayWindow {
  readonly from: string;
  readonly until: string;
}

export interface GeoPoint {
  readonly lat: number;
  readonly lng: number;
}

export interface WaitlistCandidate {
  readonly entryId: string;
  readonly patientId: string;
  readonly appointmentTypeCode: string;
  /** Providers the patient accepts; empty = any provider qualified for the visit. */
  readonly providerIds: readonly string[];
  /** Locations the patient accepts; empty = any. */
  readonly locationIds: readonly string[];
  /** Local dates (`yyyy-MM-dd`, the slot's zone), both inclusive. */
  readonly earliestDate: string;
  readonly latestDate: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday); empty = any day. */
  readonly weekdays: readonly number[];
  /** The slot must lie entirely inside one window; empty = any time. */
  readonly timesOfDay: readonly TimeOfDayWindow[];
  readonly urgency: Urgency;
  readonly waitingSince: Date;
  /** Consent to be contacted on at least one channel the offer can use. */
  readonly contactable: boolean;
  /** Already holding an open offer for another slot. */
  readonly holdsOffer: boolean;
  readonly declines: number;
  /** Home visits: where the patient is and how far a visit may come from. */
  readonly home?: GeoPoint;
}

export interface AppointmentTypeRule {
  readonly requiredCredentials: readonly string[];
  readonly durationMinutes: number;
}

export interface FreedSlot {
  readonly start: Date;
  readonly end: Date;
  /** The location's IANA zone: dates, weekdays and times of day are the patient's local ones. */
  readonly timeZone: string;
  readonly appointmentTypeCode: string;
  readonly providerId: string;
  readonly providerCredentials: readonly string[];
  readonly locationId: string;
  readonly visitMode: 'clinic' | 'home';
  /** Home visits: where the provider comes from (the previous stop or their base). */
  readonly origin?: GeoPoint;
  /** Home visits: farthest a patient may be from `origin`. */
  readonly maxTravelKm?: number;
}

export type IneligibilityReason =
  | 'appointment-type-unknown'
  | 'credentials'
  | 'duration'
  | 'provider'
  | 'location'
  | 'date-range'
  | 'weekday'
  | 'time-of-day'
  | 'not-contactable'
  | 'holds-offer'
  | 'no-home-address'
  | 'too-far';

export interface RankingExplanation {
  readonly urgency: Urgency;
  readonly daysWaited: number;
  readonly waitPoints: number;
  readonly fitPoints: number;
  /** What earned fit points, e.g. `same-type`, `named-provider`. */
  readonly fitReasons: readonly string[];
  readonly distanceKm: number | null;
  readonly distancePenalty: number;
  readonly declinePenalty: number;
  readonly score: number;
}

export interface RankedCandidate {
  readonly entryId: string;
  readonly patientId: string;
  readonly rank: number;
  readonly explanation: RankingExplanation;
}

export interface Ranking {
  readonly ranked: readonly RankedCandidate[];
  /** Why the others were left out, entry id → first failed rule. */
  readonly ineligible: ReadonlyMap<string, IneligibilityReason>;
}

export const RANKING_WEIGHTS = {
  /** One point per day waited, capped: after three months everyone has waited "long". */
  pointsPerDayWaited: 1,
  maxWaitPoints: 90,
  sameAppointmentType: 10,
  namedProvider: 10,
  namedLocation: 5,
  /** A slot inside a stated time-of-day window fits better than "any time". */
  statedTimeOfDay: 5,
  distancePenaltyPerKm: 0.5,
  declinePenalty: 15,
} as const;

const DAY_MS = 86_400_000;

/** The slot's local attributes, computed once per ranking, not once per candidate. */
interface LocalSlot {
  readonly date: string;
  readonly weekday: number;
  readonly startMinute: number;
  readonly endMinute: number;
  readonly durationMinutes: number;
}

export function rankCandidates(
  slot: FreedSlot,
  candidates: readonly WaitlistCandidate[],
  typeRules: ReadonlyMap<string, AppointmentTypeRule>,
  now: Date,
): Ranking {
  const local = localSlotOf(slot);
  const credentials = new Set(slot.providerCredentials);
  const ineligible = new Map<string, IneligibilityReason>();
  const scored: { candidate: WaitlistCandidate; tier: number; explanation: RankingExplanation }[] =
    [];
  for (const candidate of candidates) {
    const reason = ineligibilityOf(slot, local, credentials, candidate, typeRules);
    if (reason !== null) {
      ineligible.set(candidate.entryId, reason);
      continue;
    }
    scored.push({
      candidate,
      tier: URGENCY_TIER[candidate.urgency],
      explanation: explain(slot, candidate, now),
    });
  }
  scored.sort(
    (a, b) =>
      b.tier - a.tier ||
      b.explanation.score - a.explanation.score ||
      a.candidate.waitingSince.getTime() - b.candidate.waitingSince.getTime() ||
      compareIds(a.candidate.entryId, b.candidate.entryId),
  );
  return {
    ranked: scored.map(({ candidate, explanation }, index) => ({
      entryId: candidate.entryId,
      patientId: candidate.patientId,
      rank: index + 1,
      explanation,
    })),
    ineligible,
  };
}

/** The first rule an entry fails for this slot, or null when it may be offered the slot. */
export function ineligibilityOf(
  slot: FreedSlot,
  local: LocalSlot,
  providerCredentials: ReadonlySet<string>,
  candidate: WaitlistCandidate,
  typeRules: ReadonlyMap<string, AppointmentTypeRule>,
): IneligibilityReason | null {
  const rule = typeRules.get(candidate.appointmentTypeCode);
  if (rule === undefined) return 'appointment-type-unknown';
  if (!rule.requiredCredentials.every((credential) => providerCredentials.has(credential))) {
    return 'credentials';
  }
  if (rule.durationMinutes > local.durationMinutes) return 'duration';
  if (candidate.providerIds.length > 0 && !candidate.providerIds.includes(slot.providerId)) {
    return 'provider';
  }
  if (candidate.locationIds.length > 0 && !candidate.locationIds.includes(slot.locationId)) {
    return 'location';
  }
  if (local.date < candidate.earliestDate || local.date > candidate.latestDate) return 'date-range';
  if (candidate.weekdays.length > 0 && !candidate.weekdays.includes(local.weekday)) {
    return 'weekday';
  }
  if (
    candidate.timesOfDay.length > 0 &&
    !candidate.timesOfDay.some((window) => fitsWindow(local, window))
  ) {
    return 'time-of-day';
  }
  if (!candidate.contactable) return 'not-contactable';
  if (candidate.holdsOffer) return 'holds-offer';
  if (slot.visitMode === 'home') {
    if (candidate.home === undefined) return 'no-home-address';
    if (
      slot.origin !== undefined &&
      slot.maxTravelKm !== undefined &&
      greatCircleKm(slot.origin, candidate.home) > slot.maxTravelKm
    ) {
      return 'too-far';
    }
  }
  return null;
}

export function localSlotOf(slot: FreedSlot): LocalSlot {
  const start = DateTime.fromJSDate(slot.start, { zone: slot.timeZone });
  if (!start.isValid) throw new RangeError(`invalid time zone ${slot.timeZone}`);
  const durationMinutes = Math.round((slot.end.getTime() - slot.start.getTime()) / 60_000);
  const startMinute = start.hour * 60 + start.minute;
  return {
    date: start.toFormat('yyyy-MM-dd'),
    weekday: start.weekday,
    startMinute,
    // Wall-clock end; a slot crossing midnight never fits a same-day window.
    endMinute: startMinute + durationMinutes,
    durationMinutes,
  };
}

function explain(slot: FreedSlot, candidate: WaitlistCandidate, now: Date): RankingExplanation {
  const daysWaited = Math.max(
    0,
    Math.floor((now.getTime() - candidate.waitingSince.getTime()) / DAY_MS),
  );
  const waitPoints = Math.min(
    RANKING_WEIGHTS.maxWaitPoints,
    daysWaited * RANKING_WEIGHTS.pointsPerDayWaited,
  );
  const fitReasons: string[] = [];
  let fitPoints = 0;
  if (candidate.appointmentTypeCode === slot.appointmentTypeCode) {
    fitPoints += RANKING_WEIGHTS.sameAppointmentType;
    fitReasons.push('same-type');
  }
  if (candidate.providerIds.length > 0) {
    fitPoints += RANKING_WEIGHTS.namedProvider;
    fitReasons.push('named-provider');
  }
  if (candidate.locationIds.length > 0) {
    fitPoints += RANKING_WEIGHTS.namedLocation;
    fitReasons.push('named-location');
  }
  if (candidate.timesOfDay.length > 0) {
    fitPoints += RANKING_WEIGHTS.statedTimeOfDay;
    fitReasons.push('stated-time-of-day');
  }
  const distanceKm =
    slot.visitMode === 'home' && slot.origin !== undefined && candidate.home !== undefined
      ? roundTo(greatCircleKm(slot.origin, candidate.home), 1)
      : null;
  const distancePenalty =
    distanceKm === null ? 0 : roundTo(distanceKm * RANKING_WEIGHTS.distancePenaltyPerKm, 1);
  const declinePenalty = candidate.declines * RANKING_WEIGHTS.declinePenalty;
  return {
    urgency: candidate.urgency,
    daysWaited,
    waitPoints,
    fitPoints,
    fitReasons,
    distanceKm,
    distancePenalty,
    declinePenalty,
    score: roundTo(waitPoints + fitPoints - distancePenalty - declinePenalty, 1),
  };
}

function fitsWindow(local: LocalSlot, window: TimeOfDayWindow): boolean {
  return (
    local.startMinute >= minuteOfDay(window.from) && local.endMinute <= minuteOfDay(window.until)
  );
}

export function minuteOfDay(hhmm: string): number {
  const match = /^(\d{2}):([0-5]\d)$/.exec(hhmm);
  const minute = match === null ? NaN : Number(match[1]) * 60 + Number(match[2]);
  // 24:00 closes a window at midnight; nothing later exists.
  if (!(minute <= 24 * 60)) throw new RangeError(`time of day must be HH:mm, got ${hhmm}`);
  return minute;
}

const EARTH_RADIUS_KM = 6371.0088;

export function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const toRadians = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRadians;
  const dLng = (b.lng - a.lng) * toRadians;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * toRadians) * Math.cos(b.lat * toRadians) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
