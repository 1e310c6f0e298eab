/**
 * What one itinerary message tells one provider: their stops for one or more practice days
 * (the weekly run sends Monday–Friday in one message; a delta sends the changed days).
 * Built from the stored plan by `itineraryFromPlan`; the renderers only ever see this shape.
 */
export interface ProviderItinerary {
  readonly tenantId: string;
  readonly providerId: string;
  readonly providerName: string;
  /** IANA zone of the practice; all times are shown in it. */
  readonly timeZone: string;
  /** Ascending by day. */
  readonly days: readonly ProviderDayItinerary[];
}

export interface ProviderDayItinerary {
  /** The practice-local date, YYYY-MM-DD. */
  readonly day: string;
  readonly stops: readonly ItineraryStop[];
  /** Every leg including the drive home, minutes. */
  readonly totalDriveMinutes: number;
}

export interface GeoPoint {
  readonly lat: number;
  readonly lng: number;
}

export interface HomeVisitStop {
  readonly kind: 'home-visit';
  readonly appointmentId: string;
  /** Minimum necessary: first name + last initial, already reduced by the planner. */
  readonly patientDisplayName: string;
  readonly visitType: string;
  readonly arrival: Date;
  readonly start: Date;
  readonly end: Date;
  readonly address: string;
  readonly location: GeoPoint;
  /** Driving minutes from the previous stop (or the home base for the first). */
  readonly travelMinutesFromPrevious: number;
}

export interface ClinicVisit {
  readonly appointmentId: string;
  readonly patientDisplayName: string;
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
