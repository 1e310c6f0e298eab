/**
 * One provider's day as delivered: what the plan says, narrowed to what the provider needs.
 * dispatch-plan's plan model maps onto this (see itinerary-from-plan.ts); the renderers only
 * ever see this shape, so they stay pure and testable without a plan.
 */
export interface ProviderDayItinerary {
  readonly tenantId: string;
  readonly providerId: string;
  readonly providerName: string;
  /** The practice-local date, YYYY-MM-DD. */
  readonly day: string;
  /** IANA zone of the practice; all times are shown in it. */
  readonly timeZone: string;
  readonly stops: readonly ItineraryStop[];
}

export interface PatientName {
  readonly givenName: string;
  readonly familyName: string;
}

export interface GeoPoint {
  readonly lat: number;
  readonly lng: number;
}

export interface HomeVisitStop {
  readonly kind: 'home-visit';
  readonly appointmentId: string;
  readonly patient: PatientName;
  readonly visitType: string;
  readonly arrival: Date;
  readonly start: Date;
  readonly end: Date;
  readonly address: string;
  readonly location: GeoPoint;
  /** Driving minutes from the previous stop (or home base for the first). */
  readonly travelMinutesFromPrevious: number;
}

export interface ClinicVisit {
  readonly appointmentId: string;
  readonly patient: PatientName;
  readonly visitType: string;
  readonly start: Date;
  readonly end: Date;
}

export interface ClinicBlockStop {
  readonly kind: 'clinic-block';
  readonly clinicName: string;
  readonly address: string;
  readonly location: GeoPoint;
  /** The tenant's block label, e.g. "AM". */
  readonly block: string;
  readonly arrival: Date;
  readonly start: Date;
  readonly end: Date;
  readonly travelMinutesFromPrevious: number;
  readonly visits: readonly ClinicVisit[];
}

export type ItineraryStop = HomeVisitStop | ClinicBlockStop;
