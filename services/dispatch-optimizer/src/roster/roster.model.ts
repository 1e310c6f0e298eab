/**
 * The roster as dispatch keeps it. Stability contract as in `plan/plan.model.ts`: additive changes only.
 */
import type { Coordinates } from '../plan/plan.model';

/** How a provider receives itineraries. Exactly one channel per provider. */
export type ItineraryChannel =
  | { readonly kind: 'slack'; readonly slackUserId: string }
  | { readonly kind: 'sms'; readonly phoneE164: string }
  | { readonly kind: 'email'; readonly email: string };

export const ITINERARY_CHANNEL_KINDS = ['slack', 'sms', 'email'] as const;
export type ItineraryChannelKind = (typeof ITINERARY_CHANNEL_KINDS)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A recurring local-time span during which nothing non-urgent is sent (`from` > `until` wraps past
 * midnight, e.g. 21:00–07:00). Read in the provider's `timeZone`.
 */
export interface QuietTime {
  readonly days: readonly Weekday[];
  /** `HH:MM`, 24 h. */
  readonly from: string;
  readonly until: string;
}

export interface DeliveryPreferences {
  readonly channel: ItineraryChannel;
  readonly quietTimes: readonly QuietTime[];
  /** IANA zone quiet times are read in (the practice's unless the provider set one). */
  readonly timeZone: string;
}

export interface HomeBase {
  readonly address: string;
  readonly coordinates: Coordinates;
}

/** A recurring weekly shift in local time. */
export interface WeeklyAvailability {
  readonly day: Weekday;
  readonly from: string;
  readonly until: string;
}

/** A dated exception: `unavailable` (PTO, sick) or extra `available` time. Instants in UTC. */
export interface AvailabilityException {
  readonly kind: 'unavailable' | 'available';
  readonly from: string;
  readonly until: string;
  readonly reason: string;
}

export interface RosterProvider {
  readonly tenantId: string;
  readonly providerId: string;
  /** As shown to coordinators and in itineraries (`Dr. Ana Ruiz`). */
  readonly displayName: string;
  /** Tenant-defined codes (MD, NP, RN, LPN, phlebotomy, wound-care, …). */
  readonly credentials: readonly string[];
  readonly homeBase: HomeBase;
  /** Clinics the provider may staff. */
  readonly clinicIds: readonly string[];
  readonly weeklyAvailability: readonly WeeklyAvailability[];
  readonly availabilityExceptions: readonly AvailabilityException[];
  readonly maxHoursPerDay: number;
  readonly maxHoursPerWeek: number;
  readonly delivery: DeliveryPreferences;
  readonly active: boolean;
}

/** Read access to the roster that delivery needs (implemented by the roster module). */
export interface RosterReader {
  provider(tenantId: string, providerId: string): Promise<RosterProvider | null>;
  providers(tenantId: string, providerIds: readonly string[]): Promise<RosterProvider[]>;
  /** The provider whose itinerary channel is this Slack user (for `/callout`). */
  providerBySlackUserId(tenantId: string, slackUserId: string): Promise<RosterProvider | null>;
}
